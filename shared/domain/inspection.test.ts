/** The photo rule the browser and the server share: empty, size, the type read from the bytes, name and type agreeing. */
import { describe, expect, it } from 'vitest';
import { PHOTO_MAX_BYTES, photoProblem, sniffImage } from './inspection';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
const WEBP = new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ');
const photo = (head: Uint8Array, name = 'a.jpg', type = 'image/jpeg', size = head.length) => photoProblem({ size, head, name, type });

describe('photos', () => {
  it('reads the type from the signature', () => {
    expect([sniffImage(JPEG), sniffImage(PNG), sniffImage(WEBP), sniffImage(new TextEncoder().encode('hello\n'))])
      .toEqual(['image/jpeg', 'image/png', 'image/webp', null]);
  });

  it('accepts a real photo named and typed as what it is, or typed as anything', () => {
    expect(photo(JPEG)).toBeNull();
    expect(photo(JPEG, 'IMG.JPEG', '')).toBeNull();
    expect(photo(PNG, 'a.png', 'image/png')).toBeNull();
    expect(photo(WEBP, 'a', 'application/octet-stream')).toBeNull();
  });

  it('refuses an empty, oversized, non-image or mislabelled file, with the server\'s messages', () => {
    expect(photo(new Uint8Array(), 'a.jpg', 'image/jpeg', 0)).toBe('inspection.photo.missing');
    expect(photo(JPEG, 'a.jpg', 'image/jpeg', PHOTO_MAX_BYTES + 1)).toBe('inspection.photo.tooBig');
    expect(photo(JPEG, 'a.jpg', 'image/jpeg', PHOTO_MAX_BYTES)).toBeNull();
    expect(photo(new TextEncoder().encode('hello\n'), 'fake.jpg')).toBe('inspection.photo.notImage');
    expect(photo(PNG, 'a.jpg', 'image/png')).toBe('inspection.photo.typeMismatch');
    expect(photo(PNG, 'a.png', 'image/jpeg')).toBe('inspection.photo.typeMismatch');
  });
});
