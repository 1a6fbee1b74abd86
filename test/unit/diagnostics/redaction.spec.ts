import { describe, expect, it } from "vitest";
import { redactSecrets, redactUrl } from "../../../src/diagnostics/redaction.js";

describe("redactSecrets", () => {
  it("redacts query values except the safe ones, wherever a URL appears in a line", () => {
    const line = `"location": "https://x.blob.core.windows.net/d/data?se=2030&sig=abc%2Bdef&sp=r", next </v2/_catalog?last=a&n=2>`;
    expect(redactSecrets(line)).toBe(`"location": "https://x.blob.core.windows.net/d/data?se=REDACTED&sig=REDACTED&sp=REDACTED", next </v2/_catalog?last=a&n=2>`);
    expect(redactSecrets("/v2/a/blobs/uploads/u?_nouploadcache=false&_state=SECRET")).toBe("/v2/a/blobs/uploads/u?_nouploadcache=REDACTED&_state=REDACTED");
  });

  it("redacts credentials and token fields of headers, forms and JSON", () => {
    expect(redactSecrets("authorization: Bearer eyJ.abc.def")).toBe("authorization: Bearer REDACTED");
    expect(redactSecrets("Basic dXNlcjpwYXNz")).toBe("Basic REDACTED");
    // Scopes and services say what was asked, not who asked: they stay for diagnosis.
    expect(redactSecrets("grant_type=refresh_token&refresh_token=eyJx.y.z&scope=s")).toBe("grant_type=refresh_token&refresh_token=REDACTED&scope=s");
    expect(redactSecrets('{"access_token": "secret-value", "other": 1}')).toBe('{"access_token": "REDACTED", "other": 1}');
  });

  it("redacts passwords, identity tokens, Docker's auth fields, a helper's Secret and user info in URLs", () => {
    expect(redactSecrets("grant_type=password&username=alice&password=hunter2&client_id=x")).toBe("grant_type=password&username=REDACTED&password=REDACTED&client_id=REDACTED");
    expect(redactSecrets('{"auths":{"ghcr.io":{"auth":"YWxpY2U6aHVudGVyMg==","identitytoken":"eyJr.e.f"}}}')).toBe(
      '{"auths":{"ghcr.io":{"auth":"REDACTED","identitytoken":"REDACTED"}}}',
    );
    expect(redactSecrets('{"ServerURL":"ghcr.io","Username":"alice","Secret":"ghp_abc"}')).toBe('{"ServerURL":"ghcr.io","Username":"alice","Secret":"REDACTED"}');
    expect(redactSecrets("GET https://alice:hunter2@registry.example/v2/")).toBe("GET https://REDACTED@registry.example/v2/");
    expect(redactSecrets("Authorization: Basic YWxpY2U6aHVudGVyMg==")).toBe("Authorization: Basic REDACTED");
  });
});

describe("redactUrl", () => {
  it("keeps the path and the safe parameters (n, last, digest), redacting every other query value", () => {
    expect(redactUrl("https://r.io/v2/a/tags/list?n=5&last=b&token=x")).toBe("https://r.io/v2/a/tags/list?n=5&last=b&token=REDACTED");
    expect(redactUrl("https://r.io/v2/a/blobs/uploads/x?_state=abc&digest=sha256:1")).toBe(
      "https://r.io/v2/a/blobs/uploads/x?_state=REDACTED&digest=sha256%3A1",
    );
  });
});
