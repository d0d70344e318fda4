// Runs in a worker thread of a WordPress import (wxr-prepare.ts): converts items' HTML while the
// import's own thread writes earlier ones.
import { type PreparedItem, type PrepareTask, prepareWxrItem } from './wxr-prepare.ts';

export default function prepare(tasks: PrepareTask[]): PreparedItem[] {
  return tasks.map(prepareWxrItem);
}
