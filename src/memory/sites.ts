/**
 * Allocation sites (config `retainMetadata`): each distinct site label, such as
 * `main.mufi:12 in build() native str`, is interned once to a small integer id, so the
 * per-block record and the per-site totals are numbers, not strings.
 *
 * The memory layer does not know what a label means: the host (the VM) builds it. Id 0 is
 * reserved for allocations made while no host could say where they came from (start-up).
 */
export class SiteTable {
  private readonly labels: string[] = ['<no site recorded>'];
  private readonly ids = new Map<string, number>();
  /** Per site id: blocks and bytes ever allocated there (for --mem-profile). */
  allocCount = new Float64Array(64);
  allocBytes = new Float64Array(64);

  /** The id of `label`, interning it on first use. */
  intern(label: string): number {
    let id = this.ids.get(label);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push(label);
      this.ids.set(label, id);
      if (id >= this.allocCount.length) this.grow();
    }
    return id;
  }

  label(id: number): string {
    return this.labels[id] ?? this.labels[0];
  }

  get size(): number {
    return this.labels.length;
  }

  record(id: number, bytes: number): void {
    this.allocCount[id]++;
    this.allocBytes[id] += bytes;
  }

  /** The `limit` sites with the highest value of `by`, highest first (ties by label). */
  top(by: 'bytes' | 'count', limit: number): { site: string; count: number; bytes: number }[] {
    const rows: { site: string; count: number; bytes: number }[] = [];
    for (let id = 0; id < this.labels.length; id++) {
      if (this.allocCount[id] === 0) continue;
      rows.push({ site: this.labels[id], count: this.allocCount[id], bytes: this.allocBytes[id] });
    }
    rows.sort((a, b) => (by === 'bytes' ? b.bytes - a.bytes : b.count - a.count) || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
    return rows.slice(0, limit);
  }

  private grow(): void {
    const count = new Float64Array(this.allocCount.length * 2);
    const bytes = new Float64Array(this.allocBytes.length * 2);
    count.set(this.allocCount);
    bytes.set(this.allocBytes);
    this.allocCount = count;
    this.allocBytes = bytes;
  }
}
