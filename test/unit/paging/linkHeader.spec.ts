import { describe, expect, it } from "vitest";
import { findNextLink, parseLinkHeader } from "../../../src/paging/linkHeader.js";

describe("Link header", () => {
  it("reads ACR's relative next link", () => {
    expect(findNextLink('</acr/v1/_catalog?last=library%2Fhello-world&n=1&orderby=>; rel="next"')).toBe(
      "/acr/v1/_catalog?last=library%2Fhello-world&n=1&orderby=",
    );
  });

  it("picks rel=next among several links, whatever their order, quoting or case", () => {
    const header = '<https://r.io/v2/_catalog?n=2>; rel="first", <https://r.io/v2/_catalog?last=b&n=2>; rel=NEXT; title="a, b; c"';
    expect(findNextLink(header)).toBe("https://r.io/v2/_catalog?last=b&n=2");
    expect(parseLinkHeader(header)[1]!.params).toEqual({ rel: "NEXT", title: "a, b; c" });
  });

  it("accepts rel lists and ignores links that are not next", () => {
    expect(findNextLink('</a>; rel="prev", </b>; rel="last next"')).toBe("/b");
    expect(findNextLink('</a>; rel="prev"')).toBeUndefined();
    expect(findNextLink('</a>; foo="rel=next"')).toBeUndefined();
    expect(findNextLink(undefined)).toBeUndefined();
  });
});
