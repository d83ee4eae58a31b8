import { describe, expect, it } from "vitest";
import { parseRequestHost, redirectToHttps, type RequestHost } from "../../server/tls/httpsRedirect.ts";

/** The hosts a certificate for localhost, 127.0.0.1, ::1 and *.play.example would cover. */
const serves = ({ name, kind }: RequestHost) =>
  kind === "dns"
    ? name === "localhost" || /^[a-z0-9-]+\.play\.example$/.test(name)
    : ["127.0.0.1", "::1"].includes(name);

const redirect = (host: string | undefined, url: string | undefined = "/", port = 8443) =>
  redirectToHttps({ host, url }, port, serves);

describe("HTTP_REDIRECT_PORT's answer", () => {
  it("is a 308 to the same path and query on https://<host>:<PORT>, the Host header's port dropped", () => {
    expect(redirect("localhost:8080", "/?room=abc")).toEqual({
      status: 308,
      location: "https://localhost:8443/?room=abc",
    });
    expect(redirect("eu.play.example", "/matchmake/joinOrCreate/arena")).toEqual({
      status: 308,
      location: "https://eu.play.example:8443/matchmake/joinOrCreate/arena",
    });
    expect(redirect("127.0.0.1:80", "/health")).toEqual({ status: 308, location: "https://127.0.0.1:8443/health" });
    expect(redirect("[::1]:80", "/")).toEqual({ status: 308, location: "https://[::1]:8443/" });
  });

  it("names no port for 443", () => {
    expect(redirect("EU.Play.Example", "/", 443)).toEqual({ status: 308, location: "https://eu.play.example/" });
  });

  it("is 400 without a Host header, or with one that is not a plain host", () => {
    for (const host of [
      undefined,
      "",
      "evil.example@localhost",
      "localhost/evil",
      "localhost:80:80",
      "local host",
      "localhost\\\\evil.example",
      "[::1",
      "[not:an:ip]",
      "1.2.3",
      "999.1.1.1",
      "-localhost",
      "x".repeat(300),
    ]) {
      expect(redirect(host), String(host)).toEqual({ status: 400 });
    }
  });

  it("is 400 for a host the certificate does not cover: never an open redirect", () => {
    expect(redirect("evil.example")).toEqual({ status: 400 });
    expect(redirect("play.example.evil.example")).toEqual({ status: 400 });
    expect(redirect("10.0.0.1")).toEqual({ status: 400 });
  });

  it("is 400 for an absolute-form or empty request target", () => {
    expect(redirect("localhost", "http://evil.example/")).toEqual({ status: 400 });
    expect(redirect("localhost", "*")).toEqual({ status: 400 });
    expect(redirectToHttps({ host: "localhost", url: undefined }, 8443, serves)).toEqual({ status: 400 });
  });

  it("keeps a path that starts with two slashes on the same host", () => {
    expect(redirect("localhost", "//evil.example/x")).toEqual({
      status: 308,
      location: "https://localhost:8443//evil.example/x",
    });
  });
});

describe("parseRequestHost", () => {
  it("lower-cases names and tells IP literals apart", () => {
    expect(parseRequestHost("LocalHost:1")).toEqual({ name: "localhost", kind: "dns" });
    expect(parseRequestHost("127.0.0.1")).toEqual({ name: "127.0.0.1", kind: "ipv4" });
    expect(parseRequestHost("[::FFFF:127.0.0.1]:9")).toEqual({ name: "::ffff:127.0.0.1", kind: "ipv6" });
  });
});
