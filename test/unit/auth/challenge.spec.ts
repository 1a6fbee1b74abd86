import { describe, expect, it } from "vitest";
import { findBearerChallenge, isBasicChallenge, parseWwwAuthenticate } from "../../../src/auth/challenge.js";

describe("parseWwwAuthenticate", () => {
  it("reads ACR's Bearer challenge, keeping commas inside quoted scopes", () => {
    const header =
      'Bearer realm="https://myregistry.azurecr.io/oauth2/token",service="myregistry.azurecr.io",scope="repository:library/hello-world:pull,push"';
    expect(findBearerChallenge(header)).toEqual({
      realm: "https://myregistry.azurecr.io/oauth2/token",
      service: "myregistry.azurecr.io",
      scope: "repository:library/hello-world:pull,push",
      error: undefined,
    });
  });

  it("reads the error parameter of an insufficient_scope challenge", () => {
    const header = 'Bearer realm="r",service="s",scope="repository:a:metadata_write",error="insufficient_scope"';
    expect(findBearerChallenge(header)?.error).toBe("insufficient_scope");
  });

  it("splits several challenges in one header and finds Bearer among them, case-insensitively", () => {
    const header = 'Basic realm="basic, realm", bearer realm="https://r/token", service=svc, scope="registry:catalog:*"';
    const challenges = parseWwwAuthenticate(header);
    expect(challenges.map((c) => c.scheme)).toEqual(["Basic", "bearer"]);
    expect(challenges[0]!.params.realm).toBe("basic, realm");
    expect(findBearerChallenge(header)).toMatchObject({ service: "svc", scope: "registry:catalog:*" });
  });

  it("unescapes quoted-pair characters and lowercases parameter names", () => {
    const [challenge] = parseWwwAuthenticate('Bearer Realm="a \\"quoted\\" realm", SCOPE="x"');
    expect(challenge!.params).toEqual({ realm: 'a "quoted" realm', scope: "x" });
  });

  it("keeps space-separated scopes together", () => {
    const header = 'Bearer service="s",scope="repository:a:pull repository:b:pull"';
    expect(findBearerChallenge(header)?.scope).toBe("repository:a:pull repository:b:pull");
  });

  it("returns nothing for Basic-only or absent headers and survives garbage", () => {
    expect(findBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(findBearerChallenge(undefined)).toBeUndefined();
    expect(parseWwwAuthenticate(',,, =="" Bearer')).toEqual([{ scheme: "Bearer", params: {} }]);
  });

  it("joins repeated scope parameters into one space-separated list", () => {
    const header = 'Bearer realm="https://auth.example/token",scope="repository:a:pull",service="s",scope="repository:b:pull"';
    expect(findBearerChallenge(header)).toEqual({ realm: "https://auth.example/token", service: "s", scope: "repository:a:pull repository:b:pull", error: undefined });
  });

  it("recognises a Basic challenge only when no Bearer challenge comes with it", () => {
    expect(isBasicChallenge('Basic realm="basic-realm"')).toBe(true);
    expect(isBasicChallenge('Basic realm="x", Bearer realm="https://r/token",service="s"')).toBe(false);
    expect(isBasicChallenge('Bearer realm="https://r/token"')).toBe(false);
    expect(isBasicChallenge(undefined)).toBe(false);
  });
});
