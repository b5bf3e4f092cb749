/** Up to this many, a linear scan for the largest kept id beats sorting everything. */
const SCAN_LIMIT = 200;

/** The `capacity` smallest ids offered (most pages are 20: a linear scan for the largest is enough). */
export class SmallestIds {
  private readonly ids: number[] = [];
  private largest = -1;

  constructor(private readonly capacity: number) {}

  /** Keeps `id` if it is among the smallest so far; false when it is not (nor any larger id). */
  offer(id: number): boolean {
    if (this.ids.length < this.capacity || this.capacity > SCAN_LIMIT) {
      this.ids.push(id);
      if (id > this.largest) this.largest = id;
      return true;
    }
    if (id >= this.largest || this.capacity === 0) return false;
    this.ids[this.ids.indexOf(this.largest)] = id;
    this.largest = Math.max(...this.ids);
    return true;
  }

  sorted(): number[] {
    return [...this.ids].sort((a, b) => a - b).slice(0, this.capacity);
  }
}
