// Incremental reader of Docker's multiplexed attach stream (non-TTY exec and
// logs): frames of 1 byte stream type (0 stdin, 1 stdout, 2 stderr), 3 zero
// bytes, 4 bytes big-endian payload length, then the payload. Chunks from the
// socket split frames anywhere, so partial headers and payloads are kept.

export type FrameStream = 'stdout' | 'stderr';

export interface Frame {
  stream: FrameStream;
  data: Buffer;
}

export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private current?: { stream: FrameStream; left: number };

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Frame[] = [];
    for (;;) {
      if (this.current) {
        if (this.buf.length === 0) break;
        const n = Math.min(this.current.left, this.buf.length);
        if (n > 0) out.push({ stream: this.current.stream, data: this.buf.subarray(0, n) });
        this.buf = this.buf.subarray(n);
        this.current.left -= n;
        if (this.current.left === 0) this.current = undefined;
        continue;
      }
      if (this.buf.length < 8) break;
      const type = this.buf[0];
      if (type > 2 || this.buf[1] !== 0 || this.buf[2] !== 0 || this.buf[3] !== 0) {
        throw new Error('malformed Docker stream frame header');
      }
      const left = this.buf.readUInt32BE(4);
      this.buf = this.buf.subarray(8);
      // stdin frames only appear on echo; treat them as stdout like docker does
      if (left > 0) this.current = { stream: type === 2 ? 'stderr' : 'stdout', left };
    }
    return out;
  }

  /** bytes of an unfinished frame left when the stream ended */
  get leftover(): number {
    return this.buf.length + (this.current?.left ?? 0);
  }
}
