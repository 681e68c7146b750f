// The content rules on their own: type from the bytes, size from the base64 length before any
// decoding, and strict base64 on inputs of several megabytes.
import { describe, expect, it } from 'vitest';
import { checkContent, decodedLength, isStrictBase64, MAX_DOCUMENT_BASE64_CHARS, MAX_DOCUMENT_BYTES, sniffContentType } from '../../server/domain/documents/content.js';
import { EXE, PDF, PNG, TEXT } from './support.js';

describe('document content', () => {
  it('decides the type from the bytes alone', () => {
    expect(sniffContentType(PDF)).toBe('PDF');
    expect(sniffContentType(TEXT)).toBe('PLAIN_TEXT');
    expect(sniffContentType(PNG)).toBeNull();
    expect(sniffContentType(EXE)).toBeNull();
    expect(sniffContentType(Buffer.from('%PDF'))).toBe('PLAIN_TEXT'); // four bytes of text, not a PDF header
    expect(sniffContentType(Buffer.from('line\u001bwith escape'))).toBeNull();
    expect(sniffContentType(Buffer.from([0xc3, 0x28]))).toBeNull(); // invalid UTF-8
  });

  it('refuses an oversized document from the length of its base64 alone, before checking or decoding it', () => {
    // Not even base64: if it were checked or decoded first the answer would be INVALID_BASE64.
    const huge = '!'.repeat(MAX_DOCUMENT_BASE64_CHARS + 8);
    expect(checkContent(huge)).toMatchObject({ code: 'DOCUMENT_TOO_LARGE' });
    const overByOne = Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 'a').toString('base64');
    expect(overByOne.length).toBe(MAX_DOCUMENT_BASE64_CHARS);
    expect(decodedLength(overByOne)).toBe(MAX_DOCUMENT_BYTES + 1);
    expect(checkContent(overByOne)).toMatchObject({ code: 'DOCUMENT_TOO_LARGE' });
    const atLimit = checkContent(Buffer.alloc(MAX_DOCUMENT_BYTES, 'a').toString('base64'));
    expect('bytes' in atLimit && atLimit.bytes.length).toBe(MAX_DOCUMENT_BYTES);
  });

  it('accepts only strict padded base64, however long', () => {
    expect(isStrictBase64(PDF.toString('base64'))).toBe(true);
    expect(isStrictBase64(Buffer.alloc(4 * 1024 * 1024, 'a').toString('base64'))).toBe(true);
    for (const bad of ['abc', 'ab=c', 'a===', 'YWJj\nZA==', 'YWJj ZA==', 'YW-_', 'éééé']) expect(isStrictBase64(bad), bad).toBe(false);
  });
});
