;; hostile-memories (module fields for wat-shell.wat): seven more linear memories, empty at
;; instantiation; the event `boom` grows each to 15 MiB and writes every byte. Each memory stays
;; under a per-memory cap of 16 MiB; together they take 105 MiB, which only a cap on the total
;; of all memories (the format's memory_mib) stops.
(memory $m1 0) (memory $m2 0) (memory $m3 0) (memory $m4 0)
(memory $m5 0) (memory $m6 0) (memory $m7 0)

(func $boom
  (call $fill1) (call $fill2) (call $fill3) (call $fill4)
  (call $fill5) (call $fill6) (call $fill7))

;; One function per memory: memory instructions name their memory statically.
;; 240 pages = 15 MiB; a refused growth (-1) traps like a failed allocation.
(func $fill1 (if (i32.eq (memory.grow $m1 (i32.const 240)) (i32.const -1)) (then unreachable))
  (memory.fill $m1 (i32.const 0) (i32.const 1) (i32.const 15728640)))
(func $fill2 (if (i32.eq (memory.grow $m2 (i32.const 240)) (i32.const -1)) (then unreachable))
  (memory.fill $m2 (i32.const 0) (i32.const 1) (i32.const 15728640)))
(func $fill3 (if (i32.eq (memory.grow $m3 (i32.const 240)) (i32.const -1)) (then unreachable))
  (memory.fill $m3 (i32.const 0) (i32.const 1) (i32.const 15728640)))
(func $fill4 (if (i32.eq (memory.grow $m4 (i32.const 240)) (i32.const -1)) (then unreachable))
  (memory.fill $m4 (i32.const 0) (i32.const 1) (i32.const 15728640)))
(func $fill5 (if (i32.eq (memory.grow $m5 (i32.const 240)) (i32.const -1)) (then unreachable))
  (memory.fill $m5 (i32.const 0) (i32.const 1) (i32.const 15728640)))
(func $fill6 (if (i32.eq (memory.grow $m6 (i32.const 240)) (i32.const -1)) (then unreachable))
  (memory.fill $m6 (i32.const 0) (i32.const 1) (i32.const 15728640)))
(func $fill7 (if (i32.eq (memory.grow $m7 (i32.const 240)) (i32.const -1)) (then unreachable))
  (memory.fill $m7 (i32.const 0) (i32.const 1) (i32.const 15728640)))
