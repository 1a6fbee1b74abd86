import type { Stats } from "node:fs";
import { lstat, stat } from "node:fs/promises";
import path from "node:path";

/** What a non-regular file system entry is, for the message that refuses it. */
function kindOf(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isSymbolicLink()) return "a symbolic link";
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  return "not a regular file";
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}

/**
 * The rule for `downloadBlobToFile`'s target, checked before anything is downloaded: `filePath`
 * either does not exist yet (in a folder that does) or is a regular file, which the download
 * replaces. Anything else is refused with a RangeError: a download ends with a rename onto
 * `filePath`, which would turn a device node, a FIFO or a socket into a regular file, and would
 * replace a symbolic link itself rather than write where it points; following the link instead
 * would write to a place the caller did not name. A directory cannot be replaced at all.
 */
export async function assertDownloadTarget(filePath: unknown): Promise<void> {
  if (typeof filePath !== "string") throw new TypeError(`filePath must be a string, got ${filePath === null ? "null" : typeof filePath}`);
  if (filePath === "") throw new RangeError("filePath must not be empty");
  let info: Stats;
  try {
    info = await lstat(filePath);
  } catch (error) {
    if (!isMissing(error)) throw error;
    await assertFolder(filePath);
    return;
  }
  const kind = kindOf(info);
  if (kind === undefined) return;
  const advice = info.isSymbolicLink()
    ? "links are not followed: pass the path the link points to (fs.realpath) to download there"
    : "pass the path of a regular file to replace, or of one to create";
  throw new RangeError(`filePath "${filePath}" is ${kind}: downloadBlobToFile only creates or replaces regular files; ${advice}`);
}

async function assertFolder(filePath: string): Promise<void> {
  const folder = path.dirname(path.resolve(filePath));
  try {
    if ((await stat(folder)).isDirectory()) return;
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  throw new RangeError(`filePath "${filePath}" is in "${folder}", which is not an existing folder: create it first`);
}
