// Human-readable passphrases for secrets without `length=`, as abra generates
// them (its GeneratePassphrases: "human readable and rememberable"; abra's
// own word list, count and separator are not public, spec §5.2 [?]).
//
// kite's design: PASSPHRASE_WORDS words drawn independently and uniformly
// from the BIP-39 English list (2048 common English words, 3–8 lowercase
// letters, unique in their first four letters, from the maintained
// @scure/bip39 package), joined by `-`. Each word adds log2(2048) = 11 bits:
// 6 words = 66 bits. The random source is injected (crypto.randomInt in
// production, which draws without modulo bias), so this stays pure.

import { wordlist } from '@scure/bip39/wordlists/english.js';

export const PASSPHRASE_WORDS = 6;
export const PASSPHRASE_SEPARATOR = '-';
export const PASSPHRASE_LIST: readonly string[] = wordlist;

/** A uniformly random whole number in [0, max). */
export type RandomInt = (max: number) => number;

/** Bits of entropy of a passphrase of `words` words from a list of `listSize` words. */
export function passphraseEntropyBits(words = PASSPHRASE_WORDS, listSize = PASSPHRASE_LIST.length): number {
  return words * Math.log2(listSize);
}

export function generatePassphrase(randomInt: RandomInt, words = PASSPHRASE_WORDS): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(PASSPHRASE_LIST[randomInt(PASSPHRASE_LIST.length)]);
  return out.join(PASSPHRASE_SEPARATOR);
}
