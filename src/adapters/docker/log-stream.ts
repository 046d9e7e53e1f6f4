// Streaming counterpart of demux.ts: Docker's multiplexed log frames
// (1 byte stream type, 3 zero bytes, 4 bytes big-endian length, payload)
// arrive split across chunks in any way, and a line may span frames. This
// turns chunks into complete lines, per stream. A body that does not start
// with a frame header is a TTY service's raw output: all of it is stdout.

import type { ServiceLogLine } from '../../ports/docker.js';

export type LogLine = ServiceLogLine;
type LogStreamName = ServiceLogLine['stream'];

export class LogDemuxer {
  private mode: 'unknown' | 'mux' | 'raw' = 'unknown';
  private pending: Buffer = Buffer.alloc(0);
  private readonly partial: Record<LogStreamName, Buffer[]> = { stdout: [], stderr: [] };

  /** feed a chunk; returns the lines it completed */
  push(chunk: Buffer): LogLine[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: LogLine[] = [];
    if (this.mode === 'unknown') {
      if (this.pending.length < 4) return out;
      const b = this.pending;
      this.mode = b[0] <= 2 && b[1] === 0 && b[2] === 0 && b[3] === 0 ? 'mux' : 'raw';
    }
    if (this.mode === 'raw') {
      this.take('stdout', this.pending, out);
      this.pending = Buffer.alloc(0);
      return out;
    }
    let off = 0;
    while (off + 8 <= this.pending.length) {
      const len = this.pending.readUInt32BE(off + 4);
      if (off + 8 + len > this.pending.length) break;
      const stream: LogStreamName = this.pending[off] === 2 ? 'stderr' : 'stdout';
      this.take(stream, this.pending.subarray(off + 8, off + 8 + len), out);
      off += 8 + len;
    }
    this.pending = Buffer.from(this.pending.subarray(off));
    return out;
  }

  /** the stream ended: whatever is left becomes lines, even without a final newline */
  end(): LogLine[] {
    const out: LogLine[] = [];
    if (this.mode !== 'mux' && this.pending.length) this.take('stdout', this.pending, out);
    this.pending = Buffer.alloc(0);
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream].length) {
        const text = Buffer.concat(this.partial[stream]).toString('utf8');
        this.partial[stream] = [];
        if (text.length) out.push({ stream, text: text.replace(/\r$/, '') });
      }
    }
    return out;
  }

  private take(stream: LogStreamName, data: Buffer, out: LogLine[]): void {
    let start = 0;
    for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
      const piece = data.subarray(start, nl);
      const parts = this.partial[stream];
      const line = parts.length ? Buffer.concat([...parts, piece]) : piece;
      this.partial[stream] = [];
      out.push({ stream, text: line.toString('utf8').replace(/\r$/, '') });
      start = nl + 1;
    }
    if (start < data.length) this.partial[stream].push(Buffer.from(data.subarray(start)));
  }
}
