;; The shell of the hostile test components written in WebAssembly text: a component that
;; implements the edge:format world (wit/format.wit) by hand, for what a Rust guest cannot
;; express (several linear memories, a table grown at will).
;;
;; host/build.rs compiles it with the `wat` crate, once per component, after replacing the
;; placeholders (NAME, NAME_LEN and FIELDS between double braces) with the component's name
;; (describe().name), its length in bytes, and the module fields of that component: extra
;; memories or tables, and `(func $boom)`, run on the event `boom` (the text of
;; components/testing/<name>/boom.wat). Other events are normalized to
;; `{"hostile":"ok"}`, so the format is usable again once the host has dropped a trapped instance.
;;
;; Layout of memory 0 (the canonical ABI's memory): 0..8 the return area of normalize
;; (list pointer, length), 8..48 the one of describe (5 strings or lists: pointer, length),
;; 64.. constant strings, 1024.. a bump heap, reset at the first allocation after each call.
(component
  ;; The shared types, imported like wit-component does (the host needs no definition for them).
  (type $types-ty
    (instance
      (type (;0;) (record (field "seconds" s64) (field "nanoseconds" u32)))
      (export (;1;) "timestamp" (type (eq 0)))
      (type (;2;) (enum "https" "syslog" "relp" "poll"))
      (export (;3;) "protocol" (type (eq 2)))
      (type (;4;) (option u8))
      (type (;5;) (option u16))
      (type (;6;) (option string))
      (type (;7;) (record (field "facility" 4) (field "severity" 4) (field "version" 5) (field "hostname" 6) (field "app-name" 6) (field "procid" 6) (field "msgid" 6) (field "structured-data" 6)))
      (export (;8;) "syslog-header" (type (eq 7)))
      (type (;9;) (option 1))
      (type (;10;) (option 8))
      (type (;11;) (tuple string string))
      (type (;12;) (list 11))
      (type (;13;) (record (field "raw" string) (field "received-at" 1) (field "client-time" 9) (field "protocol" 3) (field "source-address" 6) (field "syslog" 10) (field "metadata" 12)))
      (export (;14;) "event" (type (eq 13)))
      (type (;15;) (list string))
      (type (;16;) (record (field "name" string) (field "version" string) (field "description" string) (field "categories" 15) (field "sample" string)))
      (export (;17;) "description" (type (eq 16)))
    )
  )
  (import "edge:format/types@0.1.0" (instance $types (type $types-ty)))
  (alias export $types "timestamp" (type $timestamp))
  (alias export $types "protocol" (type $protocol))
  (alias export $types "syslog-header" (type $syslog-header))
  (alias export $types "event" (type $event))
  (alias export $types "description" (type $description))

  (core module $main
    (memory $mem 1)
    (export "memory" (memory $mem))
    ;; Where the bump heap starts, and whether a call ended since the last allocation.
    (global $heap (mut i32) (i32.const 1024))
    (global $call-ended (mut i32) (i32.const 0))

    (data (i32.const 64) "{\"hostile\":\"ok\"}")
    (data (i32.const 96) "0.1.0")
    (data (i32.const 112) "hello")
    (data (i32.const 128) "{{NAME}}")
    (data (i32.const 512) "Test component written in WAT: the event boom breaks a sandbox limit")

    ;; cabi_realloc(old ptr, old size, align, new size): a bump allocator.
    (func $realloc (export "cabi_realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
      (local $ptr i32) (local $end i32)
      (if (global.get $call-ended)
        (then (global.set $heap (i32.const 1024)) (global.set $call-ended (i32.const 0))))
      ;; ptr = heap rounded up to align (a power of two)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $size)))
      (if (i32.gt_u (local.get $end) (i32.mul (memory.size $mem) (i32.const 65536)))
        (then
          (if (i32.eq (i32.const -1)
                (memory.grow $mem
                  (i32.add (i32.const 1)
                    (i32.shr_u
                      (i32.sub (local.get $end) (i32.mul (memory.size $mem) (i32.const 65536)))
                      (i32.const 16)))))
            (then unreachable))))
      (global.set $heap (local.get $end))
      (if (local.get $old)
        (then
          (memory.copy $mem $mem (local.get $ptr) (local.get $old)
            (select (local.get $old-size) (local.get $size)
              (i32.lt_u (local.get $old-size) (local.get $size))))))
      (local.get $ptr))

    ;; normalize(events: list<event>) -> list<result<string, string>>. An event is 144 bytes
    ;; (its raw string first); a result is 12: tag byte, then the string's pointer and length.
    (func (export "normalize") (param $events i32) (param $n i32) (result i32)
      (local $out i32) (local $i i32) (local $ev i32) (local $res i32)
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.mul (local.get $n) (i32.const 12))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $ev (i32.add (local.get $events) (i32.mul (local.get $i) (i32.const 144))))
          ;; raw == "boom" (the bytes b o o m read as a little-endian i32)
          (if (i32.and
                (i32.eq (i32.load offset=4 (local.get $ev)) (i32.const 4))
                (i32.eq (i32.load (i32.load (local.get $ev))) (i32.const 0x6d6f6f62)))
            (then (call $boom)))
          (local.set $res (i32.add (local.get $out) (i32.mul (local.get $i) (i32.const 12))))
          (i32.store8 (local.get $res) (i32.const 0))
          (i32.store offset=4 (local.get $res) (i32.const 64))
          (i32.store offset=8 (local.get $res) (i32.const 16))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 0) (local.get $out))
      (i32.store (i32.const 4) (local.get $n))
      (global.set $call-ended (i32.const 1))
      (i32.const 0))

    ;; describe() -> description: name, version, description, categories (empty), sample.
    (func (export "describe") (result i32)
      (i32.store (i32.const 8) (i32.const 128))
      (i32.store (i32.const 12) (i32.const {{NAME_LEN}}))
      (i32.store (i32.const 16) (i32.const 96))
      (i32.store (i32.const 20) (i32.const 5))
      (i32.store (i32.const 24) (i32.const 512))
      (i32.store (i32.const 28) (i32.const 68))
      (i32.store (i32.const 32) (i32.const 0))
      (i32.store (i32.const 36) (i32.const 0))
      (i32.store (i32.const 40) (i32.const 112))
      (i32.store (i32.const 44) (i32.const 5))
      (global.set $call-ended (i32.const 1))
      (i32.const 8))

    {{FIELDS}}
  )
  (core instance $main (instantiate $main))
  (alias core export $main "memory" (core memory $memory))
  (alias core export $main "cabi_realloc" (core func $realloc))

  (type $events (list $event))
  (type $results (list (result string (error string))))
  (func $normalize (param "events" $events) (result $results)
    (canon lift (core func $main "normalize") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (func $describe (result $description)
    (canon lift (core func $main "describe") (memory $memory) string-encoding=utf8))

  ;; The exported interface, through a shim component as wit-component builds it: exported
  ;; functions may only use types that the export names.
  (component $shim
    (type (;0;) (record (field "seconds" s64) (field "nanoseconds" u32)))
    (import "import-type-timestamp" (type (;1;) (eq 0)))
    (type (;2;) (enum "https" "syslog" "relp" "poll"))
    (import "import-type-protocol" (type (;3;) (eq 2)))
    (type (;4;) (option u8))
    (type (;5;) (option u16))
    (type (;6;) (option string))
    (type (;7;) (record (field "facility" 4) (field "severity" 4) (field "version" 5) (field "hostname" 6) (field "app-name" 6) (field "procid" 6) (field "msgid" 6) (field "structured-data" 6)))
    (import "import-type-syslog-header" (type (;8;) (eq 7)))
    (type (;9;) (option 1))
    (type (;10;) (option 8))
    (type (;11;) (tuple string string))
    (type (;12;) (list 11))
    (type (;13;) (record (field "raw" string) (field "received-at" 1) (field "client-time" 9) (field "protocol" 3) (field "source-address" 6) (field "syslog" 10) (field "metadata" 12)))
    (import "import-type-event" (type (;14;) (eq 13)))
    (type (;15;) (list string))
    (type (;16;) (record (field "name" string) (field "version" string) (field "description" string) (field "categories" 15) (field "sample" string)))
    (import "import-type-description" (type (;17;) (eq 16)))
    (type (;18;) (list 14))
    (type (;19;) (result string (error string)))
    (type (;20;) (list 19))
    (type (;21;) (func (param "events" 18) (result 20)))
    (import "import-func-normalize" (func (;0;) (type 21)))
    (type (;22;) (func (result 17)))
    (import "import-func-describe" (func (;1;) (type 22)))
    (export (;23;) "event" (type 14))
    (export (;24;) "description" (type 17))
    (type (;25;) (list 23))
    (type (;26;) (result string (error string)))
    (type (;27;) (list 26))
    (type (;28;) (func (param "events" 25) (result 27)))
    (export (;2;) "normalize" (func 0) (func (type 28)))
    (type (;29;) (func (result 24)))
    (export (;3;) "describe" (func 1) (func (type 29)))
  )
  (instance $format (instantiate $shim
      (with "import-func-normalize" (func $normalize))
      (with "import-func-describe" (func $describe))
      (with "import-type-timestamp" (type $timestamp))
      (with "import-type-protocol" (type $protocol))
      (with "import-type-syslog-header" (type $syslog-header))
      (with "import-type-event" (type $event))
      (with "import-type-description" (type $description))
    )
  )
  (export "edge:format/format@0.1.0" (instance $format))
)
