// Self-signed EC P-256 certificates made by openssl, one per purpose per process: openssl takes longer than
// the registry to start.
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { runCommand } from "./commands.js";
import { makeTempDir } from "./processCleanup.js";

export interface Certificate {
  certPath: string;
  keyPath: string;
  /** The certificate, PEM. */
  pem: string;
}

const certificates = new Map<string, Certificate>();

/**
 * The process's certificate for `purpose` (made on first use): subject `/CN=<commonName>`, 7 days, with the
 * extra `-addext` values given (e.g. `subjectAltName=IP:127.0.0.1`).
 */
export function selfSignedCertificate(purpose: string, commonName: string, extensions: string[] = []): Certificate {
  let certificate = certificates.get(purpose);
  if (!certificate) {
    const dir = makeTempDir(`acr-test-${purpose}-`);
    const certPath = path.join(dir, `${purpose}.crt`);
    const keyPath = path.join(dir, `${purpose}.key`);
    runCommand("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", keyPath, "-out", certPath, "-days", "7", "-subj", `/CN=${commonName}`,
      ...extensions.flatMap((extension) => ["-addext", extension]),
    ]);
    certificate = { certPath, keyPath, pem: readFileSync(certPath, "utf8") };
    certificates.set(purpose, certificate);
  }
  return certificate;
}

/** The certificate's private key, for signing. */
export function privateKeyOf(certificate: Certificate): KeyObject {
  return createPrivateKey(readFileSync(certificate.keyPath));
}

/** The certificate's DER bytes, base64 (as a JWT `x5c` entry carries it). */
export function derBase64Of(certificate: Certificate): string {
  return new X509Certificate(certificate.pem).raw.toString("base64");
}
