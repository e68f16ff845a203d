/**
 * The real `conclave-admin` (an organisation's certificate authority, docs/ADMIN.md), run
 * as an administrator would: a CA in a temporary directory of its own, certificates issued
 * for the enrollment requests browsers made, and a browser enrolled through the enrollment
 * page. Build it first: `cargo build -p conclave-admin` (it lands in target/debug/, beside
 * the server).
 */
import { expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
/** The binary `cargo build -p conclave-admin` makes. */
export const CONCLAVE_ADMIN = `${root}/target/debug/conclave-admin`;

/** Who a certificate names, as the administrator types it. */
export interface Member {
  name: string;
  role?: string;
  email?: string;
  /** Days the certificate is valid (the tool's default otherwise). */
  days?: number;
}

/** Runs `conclave-admin` with `args`; its standard output, or an error with its own words. */
function conclaveAdmin(args: string[]): string {
  try {
    return execFileSync(CONCLAVE_ADMIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`conclave-admin ${args[0]} failed: ${stderr.trim() || String(error)}`);
  }
}

/** An organisation's CA made by `conclave-admin ca create`, in a temporary directory. */
export class OrganisationCa {
  private issued = 0;

  private constructor(
    readonly organisation: string,
    /** Where the tool keeps the CA (ca.pem, ca-key.pem, crl.pem, state.json). */
    readonly dir: string,
    private readonly workDir: string,
  ) {}

  /** Creates the CA of `organisation`. Call `remove()` when done. */
  static create(organisation: string): OrganisationCa {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conclave-ca-'));
    const dir = path.join(workDir, 'ca');
    conclaveAdmin(['ca', 'create', '--dir', dir, '--organisation', organisation]);
    return new OrganisationCa(organisation, dir, workDir);
  }

  /** The CA certificate (PEM), as servers list it. */
  certificatePem(): string {
    return fs.readFileSync(path.join(this.dir, 'ca.pem'), 'utf8');
  }

  /** The CA certificate's pin: SHA-256 of its DER, 64 lowercase hex digits (an enrollment link's `#org=`). */
  pin(): string {
    return createHash('sha256').update(new X509Certificate(this.certificatePem()).raw).digest('hex');
  }

  /** Issues a certificate for the enrollment request `requestPem` and returns the chain (PEM, leaf then CA). */
  issue(requestPem: string, member: Member): string {
    this.issued += 1;
    const request = path.join(this.workDir, `request-${this.issued}.pem`);
    const chain = path.join(this.workDir, `chain-${this.issued}.pem`);
    fs.writeFileSync(request, requestPem);
    const args = ['issue', '--dir', this.dir, '--request', request, '--name', member.name, '--out', chain];
    if (member.role !== undefined) args.push('--role', member.role);
    if (member.email !== undefined) args.push('--email', member.email);
    if (member.days !== undefined) args.push('--days', String(member.days));
    conclaveAdmin(args);
    return fs.readFileSync(chain, 'utf8');
  }

  /** Revokes the certificate of the chain `chainPem` (a new revocation list is written at once). */
  revoke(chainPem: string): void {
    this.issued += 1;
    const chain = path.join(this.workDir, `revoked-${this.issued}.pem`);
    fs.writeFileSync(chain, chainPem);
    conclaveAdmin(['revoke', '--dir', this.dir, '--certificate', chain]);
  }

  /** Deletes the CA's directory (its key included). */
  remove(): void {
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

/**
 * Enrolls the browser of `page` with `ca` as `member` through the enrollment page (the
 * organisation's link, the request, `conclave-admin issue`, the import) and returns the
 * chain it imported.
 */
export async function enrollThroughThePage(page: Page, ca: OrganisationCa, member: Member): Promise<string> {
  await page.goto(`/enroll#org=${ca.pin()}`);
  await expect(page.getByTestId('enroll-fingerprint')).toBeVisible();
  await page.getByTestId('enroll-name').fill(member.name);
  await page.getByTestId('enroll-make-request').click();
  const request = await page.getByTestId('enroll-request').inputValue();
  const chain = ca.issue(request, member);
  await page.getByTestId('enroll-import').fill(chain);
  await page.getByTestId('enroll-import-button').click();
  await expect(page.getByTestId('enroll-status')).toContainText(member.name);
  return chain;
}
