import { describe, expect, it } from "vitest";
import { checkedRealm, isNonPublicHost } from "../../../src/auth/distribution/realmRules.js";

const refusal = (realm: string, registry: string, secret = false): string => {
  try {
    checkedRealm(realm, registry, secret);
  } catch (error) {
    expect(error).toMatchObject({ name: "RestError", code: "RealmRefused" });
    return (error as Error).message;
  }
  throw new Error(`${realm} was allowed for ${registry}`);
};

describe("token realm rules", () => {
  it("follows https realms on the registry's host or another public host, and http ones on the registry's own host", () => {
    expect(checkedRealm("https://auth.docker.io/token", "https://registry-1.docker.io", true).href).toBe("https://auth.docker.io/token");
    expect(checkedRealm("https://ghcr.io/token?x=1", "https://ghcr.io", true).href).toBe("https://ghcr.io/token?x=1");
    // Another port of the registry's host is the same host; plain http carries secrets only on loopback.
    expect(checkedRealm("http://127.0.0.1:5001/token", "http://127.0.0.1:5000", true).host).toBe("127.0.0.1:5001");
    expect(checkedRealm("http://10.0.0.5:5001/token", "http://10.0.0.5:5000", false).host).toBe("10.0.0.5:5001");
    // A registry on loopback may use a loopback realm of another name, over https.
    expect(checkedRealm("https://localhost:5001/token", "https://127.0.0.1:5000", true).hostname).toBe("localhost");
  });

  it("refuses what is not an absolute http(s) URL without user info", () => {
    expect(refusal("/token", "https://r.example")).toContain("it is not an absolute URL");
    expect(refusal("file:///etc/passwd", "https://r.example")).toContain("only http(s) realms");
    expect(refusal("ftp://auth.example/token", "https://r.example")).toContain("only http(s) realms");
    expect(refusal("https://user:pw@auth.example/token", "https://r.example")).toContain("must not carry user info");
    expect(refusal("https://user:pw@auth.example/token", "https://r.example")).not.toContain("pw");
  });

  it("refuses http for an https registry, and http on another host", () => {
    expect(refusal("http://r.example/token", "https://r.example")).toContain("the registry is on https, its realm must be too");
    expect(refusal("http://localhost:5001/token", "http://127.0.0.1:5000")).toContain("only over https");
    expect(refusal("http://auth.example/token", "http://r.example")).toContain("only over https");
  });

  it("refuses realms on local, private, link-local or unspecified addresses of another host (instance metadata, LAN services)", () => {
    for (const realm of [
      "https://169.254.169.254/latest/meta-data",
      "https://127.0.0.1/token",
      "https://localhost/token",
      "https://10.1.2.3/token",
      "https://172.20.0.1/token",
      "https://192.168.1.1/token",
      "https://100.64.0.1/token",
      "https://0.0.0.0/token",
      "https://[::1]/token",
      "https://[fe80::1]/token",
      "https://[fd00::1]/token",
      "https://[::ffff:127.0.0.1]/token",
      "https://2130706433/token", // 127.0.0.1 as a number, normalised by the URL parser
    ]) {
      expect(refusal(realm, "https://registry.example")).toContain("points at a local or private address");
    }
    // The registry's own host may be private: its realm on the same host is its own business.
    expect(checkedRealm("https://10.1.2.3:8443/token", "https://10.1.2.3", true).port).toBe("8443");
  });

  it("refuses a password or refresh token over plain http to anything but loopback", () => {
    expect(refusal("http://10.0.0.5:5001/token", "http://10.0.0.5:5000", true)).toContain("credentials travel over plain http only to loopback");
  });

  it("classifies non-public hosts", () => {
    expect(["localhost", "app.localhost", "127.8.9.10", "[::1]", "169.254.1.1", "192.168.0.10", "[fc00::5]"].every(isNonPublicHost)).toBe(true);
    expect(["auth.docker.io", "8.8.8.8", "[2001:4860:4860::8888]", "172.32.0.1", "11.0.0.1"].some(isNonPublicHost)).toBe(false);
  });
});
