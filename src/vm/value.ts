/**
 * Values: the encoding is owned by src/gc/value.ts (the collector must tell references from
 * numbers, and may not import the VM); this module re-exports it for the VM's modules.
 */
export { Tag, Slot, Entry, slotTag, slotPayload, entryKey, entryTag, entryPayload } from '../gc/value';

// The 16-byte heap value slot (u32 tag at +0, float64 payload at +8) is L.VALUE_SLOT in layout.ts.
