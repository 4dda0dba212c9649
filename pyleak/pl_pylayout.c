/* pyleak: CPython layout tables, one per supported minor version.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   x86-64, non-free-threaded builds without Py_TRACE_REFS.  The same
   offsets hold for release and Py_DEBUG builds of each version, but for
   the free lists of 3.13+, which a debug build has 8 bytes later (its
   PyConfig has one more field; pl_pyobj.c checks the free lists' place
   against their contents anyway).  The values were measured with
   offsetof() against each interpreter's own headers, internal ones
   included, and checked at run time against the interpreter's own view
   of its frames and line numbers (3.10.13, 3.11.2, 3.11.7, 3.12.1,
   3.13.0; 3.13.18, 3.14.10 and 3.15.2 from Debian's headers).

   3.13 and later publish most of these offsets themselves in
   _Py_DebugOffsets at the start of _PyRuntime; pl_python.c overrides
   this table's values with those (its index of that header is data
   too, one per version), so a later 3.x.y that moves a field is still
   read correctly.  What stays here is what they do not publish: the
   free lists, the dict internals, the module and type dict slots, the
   refcount encoding, the frame owner values. */

#include "pub_tool_basics.h"
#include "pl_python.h"

/* Fields that are the same in every supported version. */
#define PL_COMMON_OBJECT_FIELDS      \
   .ob_type      = 8,                \
   .tp_name      = 24,               \
   .tp_basicsize = 32,               \
   .tp_itemsize  = 40,               \
   .tp_flags     = 168,              \
   .bytes_size   = 16,               \
   .bytes_sval   = 32,               \
   .long_digits  = 24,               \
   .uni_length   = 16,               \
   .uni_state    = 32,               \
   .md_dict      = 16,               \
   .md_name      = 48,               \
   .tp_dict      = 264,              \
   .ma_keys      = 32
/* The dict keys table, 3.11 and later. */
#define PL_KEYS_311                                        \
   .dk_size = -1, .dk_log2_index_bytes = 9, .dk_kind = 10, \
   .dk_nentries = 24, .dk_indices = 32

static const PL_PyLayout layout_310 = {
   .name = "3.10", .minor = 10,
   .rt_interp_head = 32, .is_next = 0, .is_threads_head = 8,
   .is_modules = -1,
   .is_freelists = { { 10040, 10680 }, { 10688, 11328 }, { 11336, 11976 } },
   .ts_next = 8, .ts_thread_id = 176, .ts_datastack = -1,
   .ts_frame = 24, .ts_cframe = -1, .cf_frame = -1,
   .fr_code = 32, .fr_prev = 24, .fr_lasti = 96, .fr_instr = -1,
   .fr_owner = -1, .owner_generator = -1, .owner_cstack = -1,
   .fr_is_entry = -1,
   .co_firstlineno = 40, .co_filename = 104, .co_name = 112,
   .co_consts = 56, .co_exceptiontable = -1,
   .co_qualname = -1, .co_linetable = 120, .co_code = 48,
   .co_code_adaptive = -1, .co_firsttraceable = -1,
   .linetable = PL_LineTable310,
   PL_COMMON_OBJECT_FIELDS,
   .ascii_size = 48, .compact_size = 72, .uni_legacy_data = 72,
   .preheader_flags = 0,
   .immortal = False, .rc_mask = ~0ULL,
   .dk_size = 8, .dk_log2_index_bytes = -1, .dk_kind = -1,
   .dk_nentries = 32, .dk_indices = 40,
   .fr_localsplus = -1, .co_nlocalsplus = -1, .co_localsplusnames = -1,
   .tuple_items = 24
};

static const PL_PyLayout layout_311 = {
   .name = "3.11", .minor = 11,
   .rt_interp_head = 40, .is_next = 0, .is_threads_head = 16,
   .is_modules = -1,
   .is_freelists = { { 3872, 4512 }, { 4520, 5160 }, { 5168, 5808 } },
   .ts_next = 8, .ts_thread_id = 152, .ts_datastack = 296,
   .ts_frame = -1, .ts_cframe = 56, .cf_frame = 8,
   .fr_code = 32, .fr_prev = 48, .fr_lasti = -1, .fr_instr = 56,
   .fr_owner = 69, .owner_generator = 1, .owner_cstack = -1,
   .fr_is_entry = 68,
   .co_firstlineno = 72, .co_filename = 112, .co_name = 120,
   .co_consts = 24, .co_exceptiontable = 40,
   .co_qualname = 128, .co_linetable = 136, .co_code = -1,
   .co_code_adaptive = 184, .co_firsttraceable = 168,
   .linetable = PL_LineTable311,
   PL_COMMON_OBJECT_FIELDS,
   .ascii_size = 48, .compact_size = 72, .uni_legacy_data = 72,
   .preheader_flags = 0x10,                  /* MANAGED_DICT */
   .immortal = False, .rc_mask = ~0ULL,
   PL_KEYS_311,
   .fr_localsplus = 72, .co_nlocalsplus = 76, .co_localsplusnames = 96,
   .tuple_items = 24,
};

static const PL_PyLayout layout_312 = {
   .name = "3.12", .minor = 12,
   .rt_interp_head = 40, .is_next = 0, .is_threads_head = 72,
   .is_modules = -1,
   .is_freelists = { { 270072, 270712 }, { 270736, 272016 }, { 271376, 272020 } },
   .ts_next = 8, .ts_thread_id = 136, .ts_datastack = 232,
   .ts_frame = -1, .ts_cframe = 56, .cf_frame = 0,
   .fr_code = 0, .fr_prev = 8, .fr_lasti = -1, .fr_instr = 56,
   .fr_owner = 70, .owner_generator = 1, .owner_cstack = 3,
   .fr_is_entry = -1,
   .co_firstlineno = 68, .co_filename = 112, .co_name = 120,
   .co_consts = 24, .co_exceptiontable = 40,
   .co_qualname = 128, .co_linetable = 136, .co_code = -1,
   .co_code_adaptive = 192, .co_firsttraceable = 176,
   .linetable = PL_LineTable311,
   PL_COMMON_OBJECT_FIELDS,
   .ascii_size = 40, .compact_size = 56, .uni_legacy_data = 56,
   .preheader_flags = 0x18,                  /* MANAGED_DICT|WEAKREF */
   .immortal = True, .long_tag = True, .rc_mask = ~0ULL,
   PL_KEYS_311,
   .fr_localsplus = 72, .co_nlocalsplus = 72, .co_localsplusnames = 96,
   .tuple_items = 24,
};

static const PL_PyLayout layout_313 = {
   .name = "3.13", .minor = 13,
   .rt_interp_head = 632, .is_next = 7264, .is_threads_head = 7344,
   .is_modules = -1,
   .is_freelists = { { 11208, 11848 }, { 11856, 12496 }, { 12504, 13144 } },
   .ts_next = 8, .ts_thread_id = 152, .ts_datastack = 232,
   .ts_frame = 72, .ts_cframe = -1, .cf_frame = -1,
   .fr_code = 0, .fr_prev = 8, .fr_lasti = -1, .fr_instr = 56,
   .fr_owner = 70, .owner_generator = 1, .owner_cstack = 3,
   .fr_is_entry = -1,
   .co_firstlineno = 68, .co_filename = 112, .co_name = 120,
   .co_consts = 24, .co_exceptiontable = 40,
   .co_qualname = 128, .co_linetable = 136, .co_code = -1,
   .co_code_adaptive = 200, .co_firsttraceable = 184,
   .linetable = PL_LineTable311,
   PL_COMMON_OBJECT_FIELDS,
   .ascii_size = 40, .compact_size = 56, .uni_legacy_data = 56,
   .preheader_flags = 0x18,
   .immortal = True, .long_tag = True, .rc_mask = ~0ULL,
   PL_KEYS_311,
   .fr_localsplus = 72, .co_nlocalsplus = 72, .co_localsplusnames = 96,
   .tuple_items = 24,
};

/* 3.14 and later: the refcount word is split (32-bit count, 16-bit
   overflow, 16-bit flags: immortal when the count, signed, is
   negative); frames hold _PyStackRefs; the entry frame of each C call
   into the interpreter is owned by the interpreter (3); a tuple caches
   its hash; the free lists are chains ({head, size}). */
#define PL_COMMON_314                                                  \
   .freelists_linked = True,                                           \
   .ts_next = 8, .ts_frame = 72, .ts_cframe = -1, .cf_frame = -1,      \
   .fr_code = 0, .fr_prev = 8, .fr_lasti = -1, .fr_instr = 56,         \
   .fr_owner = 74, .owner_generator = 1, .owner_cstack = 3,            \
   .fr_is_entry = -1,                                                  \
   .co_firstlineno = 68, .co_filename = 112, .co_name = 120,           \
   .co_consts = 24, .co_exceptiontable = 40,                           \
   .co_qualname = 128, .co_linetable = 136, .co_code = -1,             \
   .co_code_adaptive = 208, .co_firsttraceable = 192,                  \
   .linetable = PL_LineTable311,                                       \
   .ascii_size = 40, .compact_size = 56, .uni_legacy_data = 56,        \
   .preheader_flags = 0x18,                                            \
   .immortal = True, .long_tag = True, .rc_mask = 0xFFFFFFFFULL,       \
   .stackrefs = True,                                                  \
   PL_KEYS_311,                                                        \
   .fr_localsplus = 80, .co_nlocalsplus = 72, .co_localsplusnames = 96, \
   .tuple_items = 32

/* Free-list offsets of 3.14.5+: 3.14.0-3.14.4's incremental GC state
   was 24 bytes smaller, which the free-list search finds. */
static const PL_PyLayout layout_314 = {
   .name = "3.14", .minor = 14,
   .rt_interp_head = 808, .is_next = 7272, .is_threads_head = 7344,
   .is_modules = -1,
   .is_freelists = { { 11472, 11480 }, { 11520, 11528 }, { 11536, 11544 } },
   .freelists_all = 11120, .freelists_all_n = 39,
   .ts_thread_id = 152, .ts_datastack = 232,
   PL_COMMON_OBJECT_FIELDS,
   PL_COMMON_314
};

/* 3.15: the thread state and the module object changed. */
static const PL_PyLayout layout_315 = {
   .name = "3.15", .minor = 15,
   .rt_interp_head = 936, .is_next = 7264, .is_threads_head = 7336,
   .is_modules = -1,
   .is_freelists = { { 11464, 11472 }, { 11512, 11520 }, { 11528, 11536 } },
   .freelists_all = 11096, .freelists_all_n = 41,
   .ts_thread_id = 176, .ts_datastack = 256,
   PL_COMMON_OBJECT_FIELDS,
   .md_name = 40,
   PL_COMMON_314
};

const PL_PyLayout* pl_pylayout_for ( UInt minor )
{
   switch (minor) {
   case 10: return &layout_310;
   case 11: return &layout_311;
   case 12: return &layout_312;
   case 13: return &layout_313;
   case 14: return &layout_314;
   case 15: return &layout_315;
   default: return NULL;
   }
}
