// A TypeScript consumer of the installed tarball, type-checked with every resolution mode a project
// may use (tsconfig.*.json beside it): both subpaths, with their types.
import { ContainerRegistryContentClient, type GetManifestResult } from "@azure/container-registry";
import { startAcrEmulator, type AcrEmulator } from "@azure/container-registry/emulator";

export async function pull(tag: string): Promise<GetManifestResult> {
  const emulator: AcrEmulator = await startAcrEmulator({ anonymousPull: true });
  const client = new ContainerRegistryContentClient(emulator.endpoint, "smoke/ts", emulator.credential);
  const manifest: Record<string, unknown> = (await client.getManifest(tag)).manifest;
  console.log(manifest);
  return client.getManifest(tag);
}
