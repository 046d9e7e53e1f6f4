// Docker multiplexes stdout/stderr of non-TTY logs into frames:
// 1 byte stream type, 3 bytes zero, 4 bytes big-endian length, payload.
// Output that does not start with a valid header is passed through (TTY mode).

export function demuxLogs(buf: Buffer): string {
  const parts: Buffer[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const type = buf[off];
    if (type > 2 || buf[off + 1] !== 0 || buf[off + 2] !== 0 || buf[off + 3] !== 0) {
      return off === 0 ? buf.toString('utf8') : Buffer.concat(parts).toString('utf8') + buf.subarray(off).toString('utf8');
    }
    const len = buf.readUInt32BE(off + 4);
    parts.push(buf.subarray(off + 8, off + 8 + len));
    off += 8 + len;
  }
  if (off === 0 && buf.length > 0) return buf.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}
