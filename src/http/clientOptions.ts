import type { CommonClientOptions } from "@azure/core-client";

/**
 * Known Entra ID audiences for Azure Container Registry in the Azure clouds. A token for
 * `<audience>/.default` is exchanged for registry tokens.
 */
export enum KnownContainerRegistryAudience {
  /** Azure China */
  AzureResourceManagerChina = "https://management.chinacloudapi.cn",
  /** Azure Germany (retired) */
  AzureResourceManagerGermany = "https://management.microsoftazure.de",
  /** Azure US Government */
  AzureResourceManagerGovernment = "https://management.usgovcloudapi.net",
  /** Azure public cloud */
  AzureResourceManagerPublicCloud = "https://management.azure.com",
}

/** Options shared by every client of this package. */
export interface ContainerRegistryClientOptions extends CommonClientOptions {
  /**
   * Entra ID audience of the registry's cloud, such as a {@link KnownContainerRegistryAudience}
   * value. When absent, tokens are requested for `https://containerregistry.azure.net/.default`,
   * which every Azure cloud accepts.
   */
  audience?: string;
  /** Data-plane API version; `2021-07-01` is the only one. */
  serviceVersion?: "2021-07-01";
}
