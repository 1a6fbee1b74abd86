// The CommonJS entry points of the installed tarball: both subpaths load and work.
const { ContainerRegistryContentClient, RestError } = require("@azure/container-registry");
const { startAcrEmulator } = require("@azure/container-registry/emulator");

(async () => {
  const emulator = await startAcrEmulator();
  try {
    const content = new ContainerRegistryContentClient(emulator.endpoint, "smoke/cjs", emulator.credential);
    const { digest } = await content.setManifest({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] }, { tag: "v1" });
    const pulled = await content.getManifest("v1");
    if (pulled.digest !== digest) throw new Error(`pulled ${pulled.digest}, pushed ${digest}`);
    const missing = await content.getManifest("absent").catch((error) => error);
    if (!(missing instanceof RestError) || missing.statusCode !== 404) throw new Error(`expected a 404 RestError, got ${missing}`);
  } finally {
    await emulator.close();
  }
  console.log("CommonJS: emulator round trip, RestError on a missing tag");
})().catch((error) => {
  console.error(`FAIL (CommonJS): ${error.stack}`);
  process.exit(1);
});
