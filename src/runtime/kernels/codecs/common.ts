/** Shared by the image decoders: the one error type they throw, and small helpers. */

/**
 * A decoder's failure. `stage` says which of TF's error messages the kernel
 * reports: "init" (the header could not be read) or "data" (pixel data).
 */
export class CodecError extends Error {
  constructor(
    message: string,
    readonly stage: "init" | "data" = "data",
    /** When set, the kernel reports exactly this message (TF's wording for this case). */
    readonly tfMessage?: string,
  ) {
    super(message);
    this.name = "CodecError";
  }
}

export const fail = (message: string, stage: "init" | "data" = "data"): never => {
  throw new CodecError(message, stage);
};

/** A decoded image: `data` is height×width×channels samples, row-major. */
export interface Image<T extends Uint8Array | Uint16Array = Uint8Array> {
  width: number;
  height: number;
  channels: number;
  data: T;
}

export const u16be = (b: Uint8Array, p: number) => (b[p] << 8) | b[p + 1];
export const u32be = (b: Uint8Array, p: number) => ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
export const u16le = (b: Uint8Array, p: number) => b[p] | (b[p + 1] << 8);
export const i32le = (b: Uint8Array, p: number) => b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
