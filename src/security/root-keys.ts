/** The PEM public keys in a text (a variable or a file of concatenated .pub files), each as its own block. */
export function pemBlocks(text: string): string[] {
  return [...text.matchAll(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g)].map((m) => `${m[0]}\n`);
}
