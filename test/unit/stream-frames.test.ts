import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReader } from '../../src/core/stream-frames.js';

function frame(type: number, payload: string): Buffer {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(Buffer.byteLength(payload), 4);
  return Buffer.concat([h, Buffer.from(payload)]);
}

test('frames are split to stdout and stderr whatever the chunk boundaries', () => {
  const all = Buffer.concat([frame(1, 'hello '), frame(2, 'oops\n'), frame(1, ''), frame(1, 'world\n'), frame(0, 'echo')]);
  for (let size = 1; size <= all.length; size++) {
    const r = new FrameReader();
    const got = { stdout: '', stderr: '' };
    for (let off = 0; off < all.length; off += size) for (const f of r.push(all.subarray(off, off + size))) got[f.stream] += f.data.toString();
    assert.deepEqual(got, { stdout: 'hello world\necho', stderr: 'oops\n' }, `chunk size ${size}`);
    assert.equal(r.leftover, 0);
  }
});

test('an unfinished frame is reported; a bad header is an error', () => {
  const r = new FrameReader();
  r.push(frame(1, 'abcdef').subarray(0, 10));
  assert.equal(r.leftover, 4);
  assert.throws(() => new FrameReader().push(Buffer.from('not a frame header')), /malformed/);
});
