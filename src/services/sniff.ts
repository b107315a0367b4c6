/**
 * The content type of an upload, read from its first bytes rather than trusted from the client
 * (a file named invoice.pdf that is really HTML must not be served as PDF, nor as HTML).
 */
const SIGNATURES: Array<{ type: string; test: (b: Buffer) => boolean }> = [
  { type: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { type: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')) },
  { type: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { type: 'audio/wav', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WAVE' },
  { type: 'video/webm', test: (b) => b.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])) },
  { type: 'video/mp4', test: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' },
  { type: 'audio/ogg', test: (b) => b.subarray(0, 4).toString('latin1') === 'OggS' },
  { type: 'audio/mpeg', test: (b) => b.subarray(0, 3).toString('latin1') === 'ID3' },
  { type: 'application/zip', test: (b) => b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) },
];

/** Office documents are zip files; only their name tells them apart, and only a zip may claim it. */
const ZIP_BASED: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  if (head.includes(0)) return false;
  const text = head.toString('utf8');
  // U+FFFD appears where bytes were not valid UTF-8 (a cut multi-byte character at the end is fine).
  const bad = (text.slice(0, -3).match(/\uFFFD/g) ?? []).length;
  return bad === 0 && !/[\x00-\x08\x0e-\x1f]/.test(text);
}

export function sniffContentType(head: Buffer, filename: string): string {
  const found = SIGNATURES.find((s) => s.test(head))?.type;
  if (found === 'application/zip') {
    const ext = filename.toLowerCase().split('.').pop() ?? '';
    return ZIP_BASED[ext] ?? found;
  }
  if (found) return found;
  return looksLikeText(head) ? 'text/plain' : 'application/octet-stream';
}

/** The client's name for display only: no directories, no control characters, bounded. */
export function cleanFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\x00-\x1f\x7f"]/g, '').replace(/^\.+/, '').trim().slice(0, 200);
  return cleaned || 'file';
}
