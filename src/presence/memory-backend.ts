import type { PresenceBackend, PresenceEntry } from './presence-types';

/** One process, nothing to expire: a socket's entry goes when the socket does. */
export class MemoryPresenceBackend implements PresenceBackend {
  private readonly byDepartment = new Map<string, Map<string, PresenceEntry>>();

  async put(departmentId: string, entry: PresenceEntry) {
    let dept = this.byDepartment.get(departmentId);
    if (!dept) this.byDepartment.set(departmentId, (dept = new Map()));
    dept.set(entry.key, entry);
  }

  async replace(departmentId: string, entry: PresenceEntry, expectedRef: string) {
    const dept = this.byDepartment.get(departmentId);
    if (dept?.get(entry.key)?.meta.phx_ref !== expectedRef) return false;
    dept.set(entry.key, entry);
    return true;
  }

  async remove(departmentId: string, key: string) {
    const dept = this.byDepartment.get(departmentId);
    const entry = dept?.get(key);
    if (!dept || !entry) return undefined;
    dept.delete(key);
    if (!dept.size) this.byDepartment.delete(departmentId);
    return entry;
  }

  async entries(departmentId: string) {
    return [...(this.byDepartment.get(departmentId)?.values() ?? [])];
  }

  async departmentsOf(userId: string) {
    const found: string[] = [];
    for (const [departmentId, dept] of this.byDepartment) {
      for (const entry of dept.values()) {
        if (entry.userId === userId) {
          found.push(departmentId);
          break;
        }
      }
    }
    return found;
  }

  async reap() {
    return [];
  }

  async close() {
    this.byDepartment.clear();
  }
}
