// downloadBlobToFile's target rule (src/transfer/fileTarget.ts) on real special files: a device
// node (mknod, as root; /dev/null otherwise), a FIFO (mkfifo), a symbolic link and a directory are
// refused before any request and left exactly as they were; a regular file is replaced.
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ContainerRegistryContentClient } from "../../src/index.js";
import { makeTempDir } from "../utils/processCleanup.js";
import { ENDPOINT, FakeRegistry, sha256 } from "../unit/fakes/fakeRegistry.js";

const blob = Buffer.from("the blob's bytes");
const digest = sha256(blob);

function setup() {
  const registry = new FakeRegistry();
  registry.blobs.set(digest, blob);
  const client = new ContainerRegistryContentClient(ENDPOINT, "library/test", { httpClient: registry, retryOptions: { maxRetries: 0 } });
  return { registry, client, dir: makeTempDir("acr-test-target-") };
}

/** A character device of our own (the null device's numbers), so that nothing of the system's is at stake. */
function characterDevice(dir: string): string {
  if (process.getuid?.() !== 0) return "/dev/null";
  const device = path.join(dir, "null-device");
  execFileSync("mknod", [device, "c", "1", "3"]);
  return device;
}

/** What identifies a file system entry: its kind, inode and, for a link, where it points. */
function identity(target: string): string {
  const info = lstatSync(target);
  const kind = info.isSymbolicLink() ? `link->${readlinkSync(target)}` : info.isFIFO() ? "fifo" : info.isCharacterDevice() ? "chardev" : info.isDirectory() ? "dir" : "file";
  return `${kind}:${info.ino}:${info.rdev}`;
}

describe("downloadBlobToFile's target", () => {
  const special: Array<[string, (dir: string) => string, RegExp]> = [
    ["a character device", characterDevice, /is a character device/],
    [
      "a FIFO",
      (dir) => {
        const fifo = path.join(dir, "pipe");
        execFileSync("mkfifo", [fifo]);
        return fifo;
      },
      /is a FIFO/,
    ],
    [
      "a symbolic link to a file elsewhere",
      (dir) => {
        const elsewhere = path.join(dir, "elsewhere");
        mkdirSync(elsewhere);
        writeFileSync(path.join(elsewhere, "precious"), "keep me");
        const link = path.join(dir, "link");
        symlinkSync(path.join(elsewhere, "precious"), link);
        return link;
      },
      /is a symbolic link.*not followed/,
    ],
    [
      "a directory",
      (dir) => {
        const folder = path.join(dir, "folder");
        mkdirSync(folder);
        return folder;
      },
      /is a directory/,
    ],
  ];

  for (const [kind, create, message] of special) {
    it(`refuses ${kind} with a RangeError before any request, leaving it as it was and no temporary file`, async () => {
      const { registry, client, dir } = setup();
      const target = create(dir);
      const before = identity(target);
      const entries = readdirSync(path.dirname(target)).sort();

      const failure = client.downloadBlobToFile(digest, target);
      await expect(failure).rejects.toBeInstanceOf(RangeError);
      await expect(failure).rejects.toThrow(message);
      expect(registry.requests).toHaveLength(0);
      expect(identity(target)).toBe(before);
      expect(readdirSync(path.dirname(target)).sort()).toEqual(entries);
    });
  }

  it("does not write through a symbolic link: the file it points to keeps its content", async () => {
    const { client, dir } = setup();
    const precious = path.join(dir, "precious");
    writeFileSync(precious, "keep me");
    symlinkSync(precious, path.join(dir, "link"));
    await expect(client.downloadBlobToFile(digest, path.join(dir, "link"))).rejects.toThrow(RangeError);
    expect(readFileSync(precious, "utf8")).toBe("keep me");
  });

  it("replaces a regular file, and creates a missing one", async () => {
    const { registry, client, dir } = setup();
    const existing = path.join(dir, "existing");
    writeFileSync(existing, "old");
    await client.downloadBlobToFile(digest, existing);
    await client.downloadBlobToFile(digest, path.join(dir, "new"));
    expect(readFileSync(existing)).toEqual(blob);
    expect(readFileSync(path.join(dir, "new"))).toEqual(blob);
    expect(registry.count("GET")).toBe(2);
  });
});
