import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * Signs audit block hashes with an Ed25519 key kept outside the database (a PEM file, AJX_AUDIT_KEY_FILE), so
 * someone who can write the database cannot forge a consistent chain.
 */
export class AuditSigner {
  readonly keyId: string;
  private readonly publicKey: KeyObject;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit key must be an Ed25519 private key');
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  static fromPem(pem: string): AuditSigner {
    return new AuditSigner(createPrivateKey(pem));
  }

  static generatePem(): { privateKeyPem: string; publicKeyPem: string } {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return {
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }

  sign(hash: Buffer): Buffer {
    return sign(null, hash, this.privateKey);
  }

  verifier(): AuditVerifierKey {
    return new AuditVerifierKey(this.publicKey);
  }
}

export class AuditVerifierKey {
  readonly keyId: string;
  constructor(private readonly publicKey: KeyObject) {
    this.keyId = keyIdOf(publicKey);
  }

  /** Accepts a public or a private key PEM (the public half is used). */
  static fromPem(pem: string): AuditVerifierKey {
    return new AuditVerifierKey(createPublicKey(pem));
  }

  verify(hash: Buffer, signature: Buffer): boolean {
    return verify(null, hash, this.publicKey, signature);
  }
}

function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}
