// Shared by the content client's live suites.
import { createHash } from "node:crypto";
import { ContainerRegistryContentClient, type ContainerRegistryContentClientOptions } from "../../../src/index.js";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { expect } from "vitest";
import type { ProxiedRequest } from "../../utils/faultProxy.js";

export const MiB = 1024 * 1024;

export const SKIP_MESSAGE = "docker-registry (the CNCF distribution registry) is not installed: apt-get install docker-registry";

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Deterministic bytes that differ per seed (no two tests share a blob by accident). */
export function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(Math.ceil(length / 4) * 4);
  let state = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < out.length; i += 4) {
    state = (state * 1103515245 + 12345) >>> 0;
    out.writeUInt32LE(state, i);
  }
  return out.subarray(0, length);
}

/** A registry a live suite talks to: the CNCF distribution registry, or the ACR emulator (with its credential). */
export interface LiveRegistry {
  endpoint: string;
  caCert?: string;
  credential?: TokenCredential;
}

export function contentClient(registry: LiveRegistry, repository: string, options: ContainerRegistryContentClientOptions = {}): ContainerRegistryContentClient {
  return new ContainerRegistryContentClient(registry.endpoint, repository, registry.credential, {
    ...(registry.caCert && { tlsOptions: { ca: registry.caCert } }),
    retryOptions: { maxRetries: 0 },
    ...options,
  });
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** An htpasswd user of a registry that requires Basic credentials, and its `Authorization` header. */
export const BASIC_USER = { user: "pusher", password: "s3cret-pass" };
export const BASIC_AUTHORIZATION = `Basic ${Buffer.from(`${BASIC_USER.user}:${BASIC_USER.password}`).toString("base64")}`;

/** Credentials a user's own policy adds to every request: none of them may follow a redirect to another host. */
export const userCredentialsPolicy: PipelinePolicy = {
  name: "userCredentials",
  sendRequest(request, next) {
    request.headers.set("Authorization", BASIC_AUTHORIZATION);
    request.headers.set("Cookie", "session=abc");
    request.headers.set("x-ms-custom-token", "secret");
    return next(request);
  },
};

/** Asserts that none of the credentials of {@link userCredentialsPolicy} reached these requests. */
export function expectNoCredentials(requests: ProxiedRequest[]): void {
  for (const request of requests) {
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers.cookie).toBeUndefined();
    expect(Object.keys(request.headers).filter((name) => name.startsWith("x-ms-"))).toEqual([]);
  }
}
