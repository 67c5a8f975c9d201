// Hands a file the page made to the browser's downloads, the way a link with `download` does, so it lands where
// the user's downloads go and never passes through a server.

/** The name an export gets: the day it was made, and whether it needs its passphrase. */
export function exportFileName(now: Date, encrypted: boolean): string {
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `persona-export-${day}${encrypted ? '.encrypted' : ''}.ndjson`;
}

export function saveFile(blob: Blob, name: string, parent: Node): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  parent.appendChild(link);
  link.click();
  link.remove();
  // The download has taken its copy once the click is handled; a later revoke frees the memory.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}
