/**
 * BMP as TensorFlow's DecodeBmp reads it (decode_image_op.cc): only the
 * fields at fixed offsets (pixel data offset @10, width @18, height @22,
 * bits per pixel @28), uncompressed 8/24/32-bit rows padded to 4 bytes,
 * bottom-up unless the height is negative. 8-bit data is taken as gray (TF
 * ignores the palette), 24/32-bit as BGR(A). The file size must equal the
 * pixel offset plus the rows exactly. Messages are TF's.
 */
import { fail, i32le, type Image } from "./common.js";

export function decodeBmp(b: Uint8Array, channels: number): Image {
  if (b.length < 32) {
    fail(`Incomplete bmp content, requires at least 32 bytes to find the header size, width, height, and bpp, got ${b.length} bytes`);
  }
  const headerSize = i32le(b, 10);
  const width = i32le(b, 18);
  const height = i32le(b, 22);
  const bpp = (b[28] | (b[29] << 8)) << 16 >> 16;
  const imgChannels = Math.trunc(bpp / 8);
  if (imgChannels !== 1 && imgChannels !== 3 && imgChannels !== 4) {
    fail(`Number of channels inherent in the image must be 1, 3 or 4, was ${imgChannels}`);
  }
  const out = channels || imgChannels;
  if (width <= 0) fail("Width must be positive");
  if (height === 0) fail("Height must be nonzero");
  if (headerSize < 0) fail("header size must be nonnegative");
  const absH = Math.abs(height);
  if (width * absH >= Math.floor((2 ** 31 - 1) / 8)) fail("Total possible pixel bytes must be less than 2^30");
  const rowSize = Math.floor((imgChannels * width + 3) / 4) * 4;
  const diff = b.length - headerSize - rowSize * absH;
  if (diff !== 0) fail(`Input size should match (header_size + row_size * abs_height) but they differ by ${diff}`);
  const topDown = height < 0;
  const data = new Uint8Array(absH * width * out);
  for (let i = 0; i < absH; i++) {
    const rowStart = headerSize + (topDown ? i : absH - 1 - i) * rowSize;
    for (let j = 0; j < width; j++) {
      const s = rowStart + j * imgChannels;
      const d = (i * width + j) * out;
      if (imgChannels === 1) {
        data[d] = b[s];
        if (out >= 3) data[d + 1] = data[d + 2] = b[s];
        if (out === 4) data[d + 3] = 255;
      } else {
        data[d] = b[s + 2];
        data[d + 1] = b[s + 1];
        data[d + 2] = b[s];
        if (out === 4) data[d + 3] = imgChannels === 4 ? b[s + 3] : 255;
      }
    }
  }
  return { width, height: absH, channels: out, data };
}
