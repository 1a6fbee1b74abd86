// What a broken server sends to downloadBlobToFile's static-buffer HTTP client (a raw socket
// server on loopback) fails the download with a typed RestError, never a plain Error.
import { once } from "node:events";
import net, { type AddressInfo, type Socket } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ContainerRegistryContentClient } from "../../src/index.js";
import { makeTempDir } from "../utils/processCleanup.js";

const digest = `sha256:${"f".repeat(64)}`;
const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server that answers every request head with `response`, then closes the connection. */
async function answering(response: string): Promise<string> {
  const server = net.createServer((socket: Socket) => {
    socket.on("error", () => undefined);
    socket.once("data", () => socket.end(response, "latin1"));
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function downloadFrom(response: string): Promise<unknown> {
  const client = new ContainerRegistryContentClient(await answering(response), "hello", { retryOptions: { maxRetries: 0 } });
  return client.downloadBlobToFile(digest, path.join(makeTempDir("acr-test-wire-"), "blob"), { maxResumeAttempts: 0 }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("downloadBlobToFile against a broken server", () => {
  const cases: Array<[string, string, string]> = [
    ["Content-Length values that disagree", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "InvalidContentLength"],
    ["a Content-Length that is not a number", "HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\nhello", "InvalidContentLength"],
    ["a response head over 64 KiB", `HTTP/1.1 200 OK\r\nX-Pad: ${"p".repeat(70 * 1024)}\r\n\r\n`, "ResponseHeadTooLarge"],
    ["a status line that is not HTTP/1.1", "SMTP 220 hello\r\n\r\n", "InvalidResponseHead"],
    ["a malformed header line", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "InvalidResponseHead"],
  ];
  for (const [description, response, code] of cases) {
    it(`fails with a RestError of code ${code} for ${description}`, async () => {
      const error = await downloadFrom(response);
      expect(error).toMatchObject({ name: "RestError", code });
    });
  }
});
