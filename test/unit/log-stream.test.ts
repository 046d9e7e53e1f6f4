import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogDemuxer } from '../../src/adapters/docker/log-stream.js';

function frame(type: number, text: string | Buffer): Buffer {
  const payload = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

test('frames split anywhere still give whole lines, per stream', () => {
  const all = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err line\n'), frame(1, 'o\nthree\n'), frame(1, 'tail')]);
  for (let cut = 1; cut < all.length; cut++) {
    const d = new LogDemuxer();
    const lines = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut)), ...d.end()];
    assert.deepEqual(lines, [
      { stream: 'stdout', text: 'one' },
      { stream: 'stderr', text: 'err line' },
      { stream: 'stdout', text: 'two' },
      { stream: 'stdout', text: 'three' },
      { stream: 'stdout', text: 'tail' },
    ], `cut at ${cut}`);
  }
});

test('a multi-byte character split across frames survives', () => {
  const bytes = Buffer.from('café ✓\n');
  const d = new LogDemuxer();
  const lines = [...d.push(frame(1, bytes.subarray(0, 4))), ...d.push(frame(1, bytes.subarray(4)))];
  assert.deepEqual(lines, [{ stream: 'stdout', text: 'café ✓' }]);
});

test('TTY services send raw text: all of it is stdout; CRLF is trimmed', () => {
  const d = new LogDemuxer();
  const lines = [...d.push(Buffer.from('hello\r\nwor')), ...d.push(Buffer.from('ld\n')), ...d.end()];
  assert.deepEqual(lines, [{ stream: 'stdout', text: 'hello' }, { stream: 'stdout', text: 'world' }]);
});
