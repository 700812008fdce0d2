/** Parses a byte size: `1048576`, `512K`, `64M`, `1G` (binary units; an optional trailing B or iB). */
export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?[bB])?$/.exec(text.trim());
  if (m === null) return null;
  const unit = m[2].toUpperCase();
  const scale = unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * scale);
}

export function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}
