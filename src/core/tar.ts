// A minimal tar (ustar + PAX) writer and streaming reader: what the Engine
// API's /containers/{id}/archive speaks (Go's archive/tar on the daemon side).
// Files, directories, symlinks and hard links; other entry types are read and
// skipped. Long names and large sizes go in PAX records, which GNU tar, Go
// and busybox all read. No I/O here: the caller feeds chunks and writes files.

export const BLOCK = 512;

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarHeader {
  /** path inside the archive, `/`-separated, no trailing slash */
  name: string;
  type: TarEntryType;
  /** permission bits (0o7777) */
  mode: number;
  size: number;
  /** seconds since the epoch */
  mtime: number;
  linkname?: string;
  uid?: number;
  gid?: number;
}

const TYPE_FLAG: Record<Exclude<TarEntryType, 'other'>, string> = { file: '0', directory: '5', symlink: '2', hardlink: '1' };
const enc = new TextEncoder();

/** The blocks before an entry's data: an optional PAX header, then the ustar header. */
export function encodeHeader(h: TarHeader): Buffer {
  if (h.type === 'other') throw new Error(`cannot write a tar entry of type "other" (${h.name})`);
  const name = h.type === 'directory' ? `${h.name.replace(/\/+$/, '')}/` : h.name;
  const size = h.type === 'file' ? h.size : 0;
  const pax: Record<string, string> = {};
  const split = splitName(name);
  if (!split) pax.path = name;
  if (h.linkname && byteLength(h.linkname) > 100) pax.linkpath = h.linkname;
  if (size > 0o77777777777) pax.size = String(size);
  const blocks: Buffer[] = [];
  if (Object.keys(pax).length > 0) {
    const body = Buffer.from(Object.entries(pax).map(([k, v]) => paxRecord(k, v)).join(''), 'utf8');
    const paxName = `PaxHeaders/${lastComponent(name).slice(0, 80)}`;
    blocks.push(ustarBlock({ name: paxName, prefix: '', mode: 0o644, size: body.length, mtime: h.mtime, typeflag: 'x', linkname: '', uid: 0, gid: 0 }));
    blocks.push(body, zeroPad(body.length));
  }
  const fallback = split ?? { prefix: '', name: truncateBytes(name, 100) };
  blocks.push(
    ustarBlock({
      name: fallback.name,
      prefix: fallback.prefix,
      mode: h.mode & 0o7777,
      size: pax.size ? 0 : size,
      mtime: h.mtime,
      typeflag: TYPE_FLAG[h.type],
      linkname: h.linkname ? truncateBytes(h.linkname, 100) : '',
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
    }),
  );
  return Buffer.concat(blocks);
}

/** Zero bytes that round an entry's data up to a whole block. */
export function zeroPad(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** Two zero blocks end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(BLOCK * 2);
}

/** A PAX record: "<length> <key>=<value>\n", where length counts itself. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restLen = byteLength(rest);
  let len = restLen + String(restLen).length;
  if (String(len).length > String(restLen).length) len = restLen + String(len).length; // 95 + 2 = 97, but 98 + 2 = 100 needs 3 digits
  return `${len}${rest}`;
}

interface RawHeader {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uid: number;
  gid: number;
}

function ustarBlock(r: RawHeader): Buffer {
  const b = Buffer.alloc(BLOCK);
  writeString(b, 0, 100, r.name);
  writeOctal(b, 100, 8, r.mode);
  writeOctal(b, 108, 8, r.uid);
  writeOctal(b, 116, 8, r.gid);
  writeOctal(b, 124, 12, r.size);
  writeOctal(b, 136, 12, Math.max(0, Math.floor(r.mtime)));
  b.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  writeString(b, 156, 1, r.typeflag);
  writeString(b, 157, 100, r.linkname);
  writeString(b, 257, 6, 'ustar');
  writeString(b, 263, 2, '00');
  writeString(b, 345, 155, r.prefix);
  const sum = checksum(b);
  writeString(b, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return b;
}

/** ustar's name/prefix split, or undefined when the name needs a PAX record. */
function splitName(name: string): { prefix: string; name: string } | undefined {
  if (!isAscii(name)) return byteLength(name) <= 100 ? { prefix: '', name } : undefined;
  if (name.length <= 100) return { prefix: '', name };
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { prefix, name: rest };
  }
  return undefined;
}

function writeString(b: Buffer, off: number, len: number, s: string): void {
  const bytes = enc.encode(s);
  b.set(bytes.subarray(0, len), off);
}

function writeOctal(b: Buffer, off: number, len: number, n: number): void {
  writeString(b, off, len, n.toString(8).padStart(len - 1, '0') + '\0');
}

function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i];
  return sum;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

function truncateBytes(s: string, n: number): string {
  return Buffer.from(s, 'utf8').subarray(0, n).toString('utf8');
}

function lastComponent(p: string): string {
  const parts = p.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? 'entry';
}

// ---------------------------------------------------------------- reading

export type TarEvent = { kind: 'entry'; header: TarHeader } | { kind: 'data'; data: Buffer } | { kind: 'entry-end' };

export class TarFormatError extends Error {}

/**
 * Incremental tar reader: `push()` chunks as they arrive, get back events in
 * order (an entry's header, its data in pieces, its end). `end()` checks the
 * archive was complete.
 */
export class TarReader {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private state: 'header' | 'data' | 'meta' | 'skip' | 'done' = 'header';
  /** bytes of data left in the current entry, then its padding */
  private remaining = 0;
  private padding = 0;
  private meta?: { kind: 'pax' | 'gnu-name' | 'gnu-link' | 'global'; chunks: Buffer[] };
  private overrides: { path?: string; linkpath?: string; size?: number } = {};

  push(chunk: Buffer): TarEvent[] {
    const events: TarEvent[] = [];
    if (this.state === 'done') return events;
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    for (;;) {
      if (this.state === 'header') {
        if (this.pendingLen < BLOCK) break;
        const block = this.take(BLOCK);
        if (block.every((x) => x === 0)) {
          // one zero block is enough for us: Go writes two, some tools one
          this.state = 'done';
          break;
        }
        this.readHeader(block, events);
        continue;
      }
      if (this.state === 'data' || this.state === 'meta' || this.state === 'skip') {
        if (this.remaining > 0) {
          if (this.pendingLen === 0) break;
          const piece = this.take(Math.min(this.remaining, this.pendingLen));
          this.remaining -= piece.length;
          if (this.state === 'data') events.push({ kind: 'data', data: piece });
          else if (this.state === 'meta') this.meta?.chunks.push(piece);
          if (this.remaining > 0) break;
        }
        if (this.padding > 0) {
          const n = Math.min(this.padding, this.pendingLen);
          if (n > 0) this.take(n);
          this.padding -= n;
          if (this.padding > 0) break;
        }
        if (this.state === 'data') events.push({ kind: 'entry-end' });
        if (this.state === 'meta') this.finishMeta();
        this.state = 'header';
        continue;
      }
      break; // done
    }
    return events;
  }

  /** Throws when the archive stopped in the middle of an entry. */
  end(): void {
    if (this.state === 'header' && this.pendingLen === 0) return; // no end marker: tolerated
    if (this.state === 'done') return;
    throw new TarFormatError('the archive ended in the middle of an entry');
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingLen = rest.length;
    return out;
  }

  private readHeader(block: Buffer, events: TarEvent[]): void {
    const stored = parseNumber(block, 148, 8);
    if (stored !== checksum(block)) throw new TarFormatError('not a tar archive (bad header checksum)');
    const typeflag = String.fromCharCode(block[156] || 0x30);
    let size = parseNumber(block, 124, 12);
    const magic = readString(block, 257, 6);
    const prefix = magic.startsWith('ustar') ? readString(block, 345, 155) : '';
    let name = readString(block, 0, 100);
    if (prefix) name = `${prefix}/${name}`;

    const metaKind = ({ x: 'pax', g: 'global', L: 'gnu-name', K: 'gnu-link' } as const)[typeflag as 'x' | 'g' | 'L' | 'K'];
    if (metaKind) {
      this.meta = { kind: metaKind, chunks: [] };
      this.beginBody('meta', size);
      return;
    }
    const o = this.overrides;
    this.overrides = {};
    if (o.size !== undefined) size = o.size;
    const type: TarEntryType =
      typeflag === '0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'directory' : typeflag === '2' ? 'symlink' : typeflag === '1' ? 'hardlink' : 'other';
    const header: TarHeader = {
      name: normaliseName(o.path ?? name),
      type,
      mode: parseNumber(block, 100, 8) & 0o7777,
      size: type === 'file' ? size : 0,
      mtime: parseNumber(block, 136, 12),
      uid: parseNumber(block, 108, 8),
      gid: parseNumber(block, 116, 8),
    };
    const link = o.linkpath ?? readString(block, 157, 100);
    if (link && (type === 'symlink' || type === 'hardlink')) header.linkname = link;
    events.push({ kind: 'entry', header });
    // hard links, symlinks and directories carry no data; "other" entries may
    if (type === 'file') this.beginBody('data', size);
    else if (type === 'other' && size > 0) this.beginBody('skip', size);
    else events.push({ kind: 'entry-end' });
  }

  private beginBody(state: 'data' | 'meta' | 'skip', size: number): void {
    this.state = state;
    this.remaining = size;
    this.padding = zeroPad(size).length;
  }

  private finishMeta(): void {
    const m = this.meta;
    this.meta = undefined;
    if (!m) return;
    const body = Buffer.concat(m.chunks);
    if (m.kind === 'gnu-name') this.overrides.path = cString(body);
    else if (m.kind === 'gnu-link') this.overrides.linkpath = cString(body);
    else if (m.kind === 'pax') {
      const rec = parsePax(body);
      if (rec.path !== undefined) this.overrides.path = rec.path;
      if (rec.linkpath !== undefined) this.overrides.linkpath = rec.linkpath;
      if (rec.size !== undefined && /^\d+$/.test(rec.size)) this.overrides.size = Number(rec.size);
    }
    // global PAX headers carry nothing we use
  }
}

export function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  while (off < body.length) {
    const space = body.indexOf(0x20, off);
    if (space === -1) break;
    const len = Number(body.subarray(off, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0 || off + len > body.length) throw new TarFormatError('malformed PAX header');
    const record = body.subarray(space + 1, off + len - 1).toString('utf8'); // without the trailing \n
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    off += len;
  }
  return out;
}

function readString(b: Buffer, off: number, len: number): string {
  return cString(b.subarray(off, off + len));
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul === -1 ? b.length : nul).toString('utf8');
}

/** Octal (NUL/space terminated) or GNU base-256 (high bit set) numbers. */
function parseNumber(b: Buffer, off: number, len: number): number {
  const field = b.subarray(off, off + len);
  if (field[0] & 0x80) {
    let n = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i];
    return n;
  }
  const s = field.toString('ascii').replace(/[\0 ].*$/s, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError('not a tar archive (bad number in a header)');
  return parseInt(s, 8);
}

/** `./a/b/` → `a/b`; the archive root itself becomes `.` */
export function normaliseName(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  return parts.length === 0 ? '.' : parts.join('/');
}
