// The operations of an SDK contender, built on four calls, so that this library and the official
// SDK run exactly the same code around their calls.
import { drain, latencies, layoutBlobPath, pullImage, pushLayout } from "./streams.mjs";

/**
 * @param {{
 *   uploadFile(file: string): Promise<string>,
 *   downloadBlob(digest: string): Promise<NodeJS.ReadableStream>,
 *   getManifest(tag: string): Promise<object>,
 *   setManifest(bytes: Buffer, tag: string, mediaType: string): Promise<unknown>,
 * }} sdk uploadFile resolves with the digest, getManifest with the parsed manifest.
 */
export function sdkOperations(sdk) {
  return {
    upload: async ({ file }) => ({ digest: await sdk.uploadFile(file) }),
    download: async ({ digest }) => ({ bytes: await drain(await sdk.downloadBlob(digest)) }),
    push: (params) =>
      pushLayout({ uploadBlob: (dir, descriptor) => sdk.uploadFile(layoutBlobPath(dir, descriptor.digest)), setManifest: sdk.setManifest }, params),
    pull: (params) => pullImage(sdk, params),
    manifest: async ({ tag, calls }) => ({ latenciesMs: await latencies(() => sdk.getManifest(tag), calls) }),
  };
}
