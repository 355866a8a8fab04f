;; hostile-table (module fields for wat-shell.wat): a second table, of one element at
;; instantiation; the event `boom` grows it by a million elements at a time (8 MB of host memory
;; each) up to a billion, which only a cap on table elements stops. A refused growth (-1) traps.
(table $big 1 funcref)

(func $boom
  (local $steps i32)
  (loop $grow
    (if (i32.eq (table.grow $big (ref.null func) (i32.const 1048576)) (i32.const -1))
      (then unreachable))
    (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
    (br_if $grow (i32.lt_u (local.get $steps) (i32.const 1000)))))
