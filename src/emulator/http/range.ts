import { RegistryError } from "../errors.js";
import type { ByteRange } from "../storage/blobStore.js";

/**
 * Parses a download `Range` (`bytes=a-b`, `bytes=a-`, `bytes=-n`) against a blob's size.
 * Returns undefined for no range; throws 416 with `Content-Range: bytes * /size` when unsatisfiable.
 */
export function downloadRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const unsatisfiable = new RegistryError(416, "RANGE_INVALID", "requested range not satisfiable", undefined, {
    "Content-Range": `bytes */${size}`,
  });
  if (!match || (match[1] === "" && match[2] === "")) throw unsatisfiable;
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) throw unsatisfiable;
  return { start, end };
}

/**
 * Parses an upload chunk's `Content-Range`. ACR writes `start-end` without a unit; `bytes start-end`
 * and `bytes=start-end` are accepted too. Returns undefined when the header is absent.
 */
export function chunkRange(header: string | undefined): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!match || Number(match[2]) < Number(match[1])) {
    throw new RegistryError(416, "RANGE_INVALID", "invalid content range", { contentRange: header });
  }
  return { start: Number(match[1]), end: Number(match[2]) };
}
