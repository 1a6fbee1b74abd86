// Interop through authenticated registries: skopeo (containers/image) and this library push and pull the same
// images through the token-auth and the htpasswd registry, each with its own way of holding the password.
import { AzureNamedKeyCredential } from "@azure/core-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerConfigCredential, type ContainerRegistryContentClient } from "../../../src/index.js";
import type { RegistryCredential } from "../../../src/auth/registryCredential.js";
import { writeDockerConfig } from "../../utils/dockerConfig.js";
import { makeTempDir } from "../../utils/processCleanup.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import { caCertDir, dockerReference, ociReference, readOciLayout, skopeoAvailable, skopeoCopy, writeOciLayout, type SkopeoCopyOptions } from "../../utils/skopeo.js";
import { freshImage } from "../../harness/support.js";
import { BASIC_USER, readAll } from "../content/support.js";
import { ALICE, clientOf, pushImage, startTokenAuthRegistry, type TokenAuthRegistry } from "./support.js";

/** Pulls `tag` with this library and checks manifest, config and layers against what skopeo pushed. */
async function expectSameImage(client: ContainerRegistryContentClient, tag: string, pushed: Awaited<ReturnType<typeof writeOciLayout>>): Promise<void> {
  const { digest, manifest } = await client.getManifest(tag);
  expect(digest).toBe(pushed.manifestDigest);
  const { config, layers } = manifest as { config: { digest: string }; layers: Array<{ digest: string }> };
  expect(await readAll((await client.downloadBlob(config.digest)).content)).toEqual(pushed.config);
  for (const [index, layer] of layers.entries()) expect(await readAll((await client.downloadBlob(layer.digest)).content)).toEqual(pushed.layers[index]);
}

const kinds = [
  { name: "token auth", user: ALICE },
  { name: "htpasswd", user: { user: BASIC_USER.user, password: BASIC_USER.password } },
];

describe.skipIf(!skopeoAvailable() || !distributionRegistryAvailable())("skopeo interop through authenticated registries (needs skopeo and docker-registry)", () => {
  describe.each(kinds)("$name", ({ name, user }) => {
    let tokenAuth: TokenAuthRegistry | undefined;
    let registry: RunningRegistry;
    let trust: Pick<SkopeoCopyOptions, "srcCertDir" | "destCertDir">;
    beforeAll(async () => {
      if (name === "token auth") {
        tokenAuth = await startTokenAuthRegistry({ tls: true });
        registry = tokenAuth.registry;
      } else {
        registry = await startDistributionRegistry({ tls: true, htpasswd: BASIC_USER });
      }
      const certDir = caCertDir(registry.caCert!);
      trust = { srcCertDir: certDir, destCertDir: certDir };
    });
    afterAll(async () => {
      await (tokenAuth ? tokenAuth.stop() : registry?.stop());
    });

    it("pulls, with AzureNamedKeyCredential, an image skopeo pushed with --dest-creds, byte for byte", async () => {
      const layout = makeTempDir("acr-test-layout-");
      const pushed = await writeOciLayout(layout, freshImage(), "v1");
      await skopeoCopy(ociReference(layout, "v1"), dockerReference(registry.host, "interop/from-skopeo", "v1"), { ...trust, destCreds: `${user.user}:${user.password}` });
      const credential: RegistryCredential = new AzureNamedKeyCredential(user.user, user.password);
      await expectSameImage(clientOf(registry, "interop/from-skopeo", credential), "v1", pushed);
    });

    it("pushes with DockerConfigCredential an image skopeo pulls with the same config.json as --authfile", async () => {
      const config = writeDockerConfig({ entries: [{ kind: "auth", host: registry.host, username: user.user, password: user.password }] });
      const image = await pushImage(clientOf(registry, "interop/from-library", new DockerConfigCredential({ configPath: config.configPath })), "v1");
      const copy = makeTempDir("acr-test-layout-");
      await skopeoCopy(dockerReference(registry.host, "interop/from-library", "v1"), ociReference(copy, "pulled"), { ...trust, authFile: config.configPath });
      const pulled = await readOciLayout(copy, "pulled");
      expect(pulled.manifestDigest).toBe(image.manifestDigest);
      expect(pulled.config).toEqual(image.config);
      expect(pulled.layers).toEqual([image.layer]);
    });
  });
});
