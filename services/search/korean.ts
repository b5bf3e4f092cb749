/**
 * Korean text as the search matches it: names without spaces, their initial
 * consonants (초성), and Latin letters typed with the Korean layout turned
 * back into Hangul. Pure: the same on every engine.
 */
import { convertQwertyToHangul, getChoseong } from "es-hangul";

/** Compatibility-jamo consonants ㄱ…ㅎ, the only characters a 초성 query holds. */
const CHOSEONG_ONLY = /^[\u3131-\u314e]+$/;
const LATIN_ONLY = /^[a-zA-Z]+$/;
/** Control characters never reach an index (the gateway refuses them too). */
const CONTROL = /\p{Cc}/gu;

/** The form names and queries are compared in: NFC, lower case, no whitespace or control characters. */
export function compact(text: string): string {
  return text.normalize("NFC").replace(CONTROL, "").replace(/\s+/g, "").toLowerCase();
}

/** The 초성 of every Hangul syllable, other characters dropped (`한빛24시` → `ㅎㅂㅅ`). */
export function choseongOf(text: string): string {
  return getChoseong(compact(text)).replace(/\s+/g, "");
}

export function isChoseongQuery(text: string): boolean {
  return CHOSEONG_ONLY.test(text);
}

/**
 * What Latin letters typed on a Korean 2-set keyboard would have been
 * (`gksqlc` → `한빛`); null when the text is not all Latin or makes no Hangul.
 */
export function fromQwerty(text: string): string | null {
  if (!LATIN_ONLY.test(text)) return null;
  const hangul = convertQwertyToHangul(text);
  return /[\uac00-\ud7a3]/.test(hangul) ? compact(hangul) : null;
}

/**
 * The words of an address worth searching: the district (…구, …시, …군) and
 * roads (…로, …길, …대로), e.g. `서울특별시 강남구 테헤란로 1` → `강남구`, `테헤란로`.
 */
export function addressTokens(address: string, district: string): string[] {
  const words = address.normalize("NFC").split(/\s+/);
  const places = words.filter((w) => /[\uac00-\ud7a3](구|군|로|길)$/.test(w) || /\d+(로|길)$/.test(w));
  return [...new Set([district, ...places].map(compact).filter(Boolean))];
}
