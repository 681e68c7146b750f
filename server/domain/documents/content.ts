// What a sent document's bytes are, decided from the bytes alone: a name ending in .pdf or a
// claimed MIME type proves nothing, so neither is asked for. The size is checked from the base64
// text's length before anything is decoded, so an oversized upload costs no decoding work.
import { createHash } from 'node:crypto';

/** Decoded size limit: 5 MB (MiB, as mail and MESH clients count it). */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
/** The longest base64 text that can decode to at most MAX_DOCUMENT_BYTES. */
export const MAX_DOCUMENT_BASE64_CHARS = Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4;

export const DOCUMENT_CONTENT_TYPES = ['PDF', 'PLAIN_TEXT'] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];
export const MIME_TYPES: Record<DocumentContentType, string> = { PDF: 'application/pdf', PLAIN_TEXT: 'text/plain; charset=utf-8' };

export type ContentProblem =
  | { code: 'DOCUMENT_TOO_LARGE'; message: string }
  | { code: 'INVALID_BASE64'; message: string }
  | { code: 'UNSUPPORTED_DOCUMENT_TYPE'; message: string }
  | { code: 'VALIDATION_FAILED'; message: string };

export interface CheckedContent {
  bytes: Buffer;
  contentType: DocumentContentType;
  sha256: string;
}

const ALPHABET = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') ALPHABET[c.charCodeAt(0)] = 1;

/**
 * Standard base64 (RFC 4648 section 4), padded, no whitespace or line breaks. A plain loop: a
 * regular expression with a repeated group overflows the stack on megabytes of input.
 */
export function isStrictBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const end = text.length - padding;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || ALPHABET[code] !== 1) return false;
  }
  return true;
}
const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

/** Decoded size implied by a base64 text's length (exact for valid input), without decoding it. */
export function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor(base64.length / 4) * 3 - padding;
}

/** NUL and C0 controls other than tab, newline and carriage return; DEL. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function isPlainText(bytes: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !CONTROL.test(text);
}

export function sniffContentType(bytes: Buffer): DocumentContentType | null {
  if (bytes.length >= PDF_MAGIC.length && bytes.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) return 'PDF';
  return isPlainText(bytes) ? 'PLAIN_TEXT' : null;
}

/** Size first (from the length alone), then the encoding, then the type from the decoded bytes. */
export function checkContent(base64: string): CheckedContent | ContentProblem {
  if (base64.length > MAX_DOCUMENT_BASE64_CHARS + 4 || (base64.length % 4 === 0 && decodedLength(base64) > MAX_DOCUMENT_BYTES)) {
    return { code: 'DOCUMENT_TOO_LARGE', message: `A document is at most ${MAX_DOCUMENT_BYTES} bytes (5 MB) once decoded.` };
  }
  if (base64.length === 0) return { code: 'VALIDATION_FAILED', message: 'The document is empty.' };
  if (!isStrictBase64(base64)) return { code: 'INVALID_BASE64', message: 'contentBase64 is not standard padded base64 (RFC 4648, no line breaks).' };
  const bytes = Buffer.from(base64, 'base64');
  const contentType = sniffContentType(bytes);
  if (!contentType) {
    return { code: 'UNSUPPORTED_DOCUMENT_TYPE', message: 'Only PDF (starting %PDF-) and plain UTF-8 text (no control characters but tab and line breaks) are accepted.' };
  }
  return { bytes, contentType, sha256: createHash('sha256').update(bytes).digest('hex') };
}
