/** Repository, tag and reference syntax of the OCI distribution spec. */

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const NAME_PATTERN = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export function isRepositoryName(name: string): boolean {
  return name.length <= 255 && NAME_PATTERN.test(name);
}

export function isTag(reference: string): boolean {
  return TAG_PATTERN.test(reference);
}
