import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testNginxConfig } from "../../scripts/cluster/nginx.ts";
import { EXAMPLE_SITE, renderNginxSite } from "../../scripts/cluster/nginxConfig.ts";
import { renderTemplate } from "../../scripts/cluster/template.ts";
import { createSelfSignedCertificate } from "../../scripts/cluster/tls.ts";
import { findExecutable } from "../../scripts/cluster/tools.ts";

/** The shipped nginx config is the template rendered, and real nginx accepts it once the certificate paths exist. */
const shipped = readFileSync(new URL("../../deploy/nginx/tickwire.conf", import.meta.url), "utf8");
const nginx = findExecutable("nginx");
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("deploy/nginx/tickwire.conf", () => {
  it("is the template rendered for the example (regenerate: node --import tsx scripts/render-nginx.ts > deploy/nginx/tickwire.conf)", () => {
    expect(shipped).toBe(renderNginxSite(EXAMPLE_SITE));
  });

  it("has one location per process and an upstream listing all of them", () => {
    for (const port of [2567, 2568, 2569]) {
      expect(shipped).toContain(`location /p${port}/ {\n        proxy_pass http://127.0.0.1:${port}/;`);
      expect(shipped).toContain(`server 127.0.0.1:${port} max_fails=1 fail_timeout=2s;`);
    }
  });

  // Without nginx outside CI there is nothing to run it with; in CI, nginx is installed by .ci/run.
  it.skipIf(nginx === undefined && process.env.CI !== "true")(
    "passes `nginx -t` with only the certificate paths changed",
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "tickwire-nginx-t-"));
      dirs.push(dir);
      const cert = await createSelfSignedCertificate(dir);
      const site = shipped
        .replace(EXAMPLE_SITE.tls!.certificate, cert.certificate)
        .replace(EXAMPLE_SITE.tls!.key, cert.key);
      expect(site).not.toContain("/etc/letsencrypt");
      expect(await testNginxConfig(dir, site)).toContain("test is successful");
    },
  );
});

describe("the config template", () => {
  it("repeats list sections, keeps or drops flag sections, and refuses a value left unset", () => {
    const template = "a {{x}}{{#on}} on{{/on}}\n{{#items}}\n- {{name}} of {{x}}\n{{/items}}\nend\n";
    expect(renderTemplate(template, { x: 1, on: true, items: [{ name: "p" }, { name: "q" }] })).toBe(
      "a 1 on\n- p of 1\n- q of 1\nend\n",
    );
    expect(renderTemplate(template, { x: 1, on: false, items: [] })).toBe("a 1\nend\n");
    expect(() => renderTemplate("{{missing}}", {})).toThrow(/"missing" is not set/);
    expect(() => renderTemplate("{{#open}}", { open: true })).toThrow(/not closed/);
  });

  it("refuses no processes and prefixes nginx could not route", () => {
    expect(() => renderNginxSite({ ...EXAMPLE_SITE, processes: [] })).toThrow(/no processes/);
    expect(() => renderNginxSite({ ...EXAMPLE_SITE, processes: [{ address: "h:1", prefix: "a/b" }] })).toThrow(
      /bad path prefix/,
    );
  });
});
