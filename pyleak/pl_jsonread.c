/* pyleak: reading a JSON document (for --baseline).
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The tool runs without libc, so it cannot borrow a JSON library.  This
   is a small recursive-descent reader for RFC 8259 text into a tree of
   PL_JVal nodes, enough for pyleak's own documents: numbers are kept
   as integers (a fraction or exponent is read and dropped: pyleak
   writes none), strings as UTF-8.  On bad input it says where (line
   and what it expected) instead of asserting: the file comes from the
   user. */

#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_xarray.h"
#include "pub_tool_vki.h"
#include "pl_include.h"

typedef struct {
   const HChar* p;
   const HChar* end;
   const HChar* start;
   const HChar* err;          /* what was expected, or NULL */
   const HChar* err_at;
   UInt         depth;
   const HChar* const* drop;  /* member names whose values are not kept */
} Reader;

#define MAX_DEPTH 64          /* pyleak's documents nest 6 deep */

static PL_JVal* new_val ( PL_JType t )
{
   PL_JVal* v = VG_(calloc)("pl.jread.val", 1, sizeof *v);
   v->type = t;
   return v;
}

static void skip_ws ( Reader* r )
{
   while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'
                            || *r->p == '\n' || *r->p == '\r'))
      r->p++;
}

static PL_JVal* fail ( Reader* r, const HChar* expected )
{
   if (r->err == NULL) {
      r->err = expected;
      r->err_at = r->p;
   }
   return NULL;
}

static Bool literal ( Reader* r, const HChar* word )
{
   SizeT n = VG_(strlen)(word);
   if ((SizeT)(r->end - r->p) < n || VG_(strncmp)(r->p, word, n) != 0)
      return False;
   r->p += n;
   return True;
}

static Int hex4 ( const HChar* s )
{
   Int v = 0;
   for (Int i = 0; i < 4; i++) {
      HChar c = s[i];
      v <<= 4;
      if (c >= '0' && c <= '9')      v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return -1;
   }
   return v;
}

static void put_utf8 ( XArray* xa, UInt cp )
{
   HChar b[4];
   Int n;
   if (cp < 0x80)       { b[0] = cp; n = 1; }
   else if (cp < 0x800) { b[0] = 0xC0 | (cp >> 6); b[1] = 0x80 | (cp & 0x3F);
                          n = 2; }
   else if (cp < 0x10000) { b[0] = 0xE0 | (cp >> 12);
                            b[1] = 0x80 | ((cp >> 6) & 0x3F);
                            b[2] = 0x80 | (cp & 0x3F); n = 3; }
   else { b[0] = 0xF0 | (cp >> 18); b[1] = 0x80 | ((cp >> 12) & 0x3F);
          b[2] = 0x80 | ((cp >> 6) & 0x3F); b[3] = 0x80 | (cp & 0x3F);
          n = 4; }
   VG_(addBytesToXA)(xa, b, n);
}

/* At the opening quote; a fresh NUL-terminated string, or NULL. */
static HChar* read_string ( Reader* r )
{
   XArray* xa = VG_(newXA)(VG_(malloc), "pl.jread.str", VG_(free), 1);
   r->p++;
   while (True) {
      if (r->p >= r->end) { fail(r, "the end of a string"); break; }
      HChar c = *r->p;
      if (c == '"') { r->p++; break; }
      if ((UChar)c < 0x20) { fail(r, "a character, not a control code");
                             break; }
      if (c != '\\') { VG_(addBytesToXA)(xa, &c, 1); r->p++; continue; }
      if (r->p + 1 >= r->end) { fail(r, "an escape"); break; }
      HChar e = r->p[1];
      r->p += 2;
      static const HChar esc[] = "\"\\/bfnrt";   /* \X ... */
      static const HChar out[] = "\"\\/\b\f\n\r\t"; /* ... means this */
      const HChar* simple = e ? VG_(strchr)(esc, e) : NULL;
      if (simple) {
         VG_(addBytesToXA)(xa, &out[simple - esc], 1);
         continue;
      }
      if (e != 'u' || r->end - r->p < 4 || hex4(r->p) < 0) {
         r->p -= 2;
         fail(r, "a valid escape");
         break;
      }
      UInt cp = hex4(r->p);
      r->p += 4;
      if (cp >= 0xD800 && cp < 0xDC00 && r->end - r->p >= 6
          && r->p[0] == '\\' && r->p[1] == 'u' && hex4(r->p + 2) >= 0xDC00
          && hex4(r->p + 2) < 0xE000) {
         cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(r->p + 2) - 0xDC00);
         r->p += 6;
      }
      put_utf8(xa, cp);
   }
   if (r->err) { VG_(deleteXA)(xa); return NULL; }
   HChar nul = '\0';
   VG_(addBytesToXA)(xa, &nul, 1);
   HChar* s = VG_(strdup)("pl.jread.s", VG_(indexXA)(xa, 0));
   VG_(deleteXA)(xa);
   return s;
}

static PL_JVal* read_value ( Reader* r );

static PL_JVal* read_number ( Reader* r )
{
   Bool neg = False;
   if (*r->p == '-') { neg = True; r->p++; }
   if (r->p >= r->end || *r->p < '0' || *r->p > '9')
      return fail(r, "a digit");
   ULong n = 0;
   while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
      n = n * 10 + (*r->p++ - '0');
   if (r->p < r->end && *r->p == '.') {
      r->p++;
      while (r->p < r->end && *r->p >= '0' && *r->p <= '9') r->p++;
   }
   if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-')) r->p++;
      while (r->p < r->end && *r->p >= '0' && *r->p <= '9') r->p++;
   }
   PL_JVal* v = new_val(PL_JNum);
   v->num = neg ? -(Long)n : (Long)n;
   return v;
}

static Bool dropped ( const Reader* r, const HChar* key )
{
   for (const HChar* const* d = r->drop; d && *d; d++)
      if (VG_(strcmp)(*d, key) == 0)
         return True;
   return False;
}

/* An array or an object: elements (and for an object, keys) in
   order. */
static PL_JVal* read_container ( Reader* r, Bool object )
{
   HChar close = object ? '}' : ']';
   PL_JVal* v = new_val(object ? PL_JObj : PL_JArr);
   v->elems = VG_(newXA)(VG_(malloc), "pl.jread.elems", VG_(free),
                         sizeof(PL_JVal*));
   if (object)
      v->keys = VG_(newXA)(VG_(malloc), "pl.jread.keys", VG_(free),
                           sizeof(HChar*));
   if (++r->depth > MAX_DEPTH)
      { fail(r, "less nesting"); return v; }
   r->p++;
   skip_ws(r);
   if (r->p < r->end && *r->p == close) { r->p++; r->depth--; return v; }
   while (True) {
      HChar* key = NULL;
      skip_ws(r);
      if (object) {
         if (r->p >= r->end || *r->p != '"')
            { fail(r, "a member name in quotes"); return v; }
         key = read_string(r);
         if (key == NULL) return v;
         VG_(addToXA)(v->keys, &key);
         skip_ws(r);
         if (r->p >= r->end || *r->p != ':')
            { fail(r, "':'"); return v; }
         r->p++;
      }
      PL_JVal* e = read_value(r);
      if (e == NULL) return v;
      if (key && dropped(r, key)) {
         /* Freed at once, so the tree never holds more than one of
            them: a record's stacks are most of a pyleak document. */
         pl_json_free(e);
         e = new_val(PL_JNull);
      }
      VG_(addToXA)(v->elems, &e);
      skip_ws(r);
      if (r->p < r->end && *r->p == ',') { r->p++; continue; }
      if (r->p < r->end && *r->p == close) { r->p++; break; }
      fail(r, object ? "',' or '}'" : "',' or ']'");
      return v;
   }
   r->depth--;
   return v;
}

static PL_JVal* read_value ( Reader* r )
{
   skip_ws(r);
   if (r->p >= r->end) return fail(r, "a value");
   switch (*r->p) {
   case '{': { PL_JVal* v = read_container(r, True);
               if (r->err) { pl_json_free(v); return NULL; }
               return v; }
   case '[': { PL_JVal* v = read_container(r, False);
               if (r->err) { pl_json_free(v); return NULL; }
               return v; }
   case '"': { HChar* s = read_string(r);
               if (s == NULL) return NULL;
               PL_JVal* v = new_val(PL_JStr);
               v->str = s;
               return v; }
   case 't': if (literal(r, "true"))  { PL_JVal* v = new_val(PL_JBool);
                                        v->num = 1; return v; }
             break;
   case 'f': if (literal(r, "false")) return new_val(PL_JBool);
             break;
   case 'n': if (literal(r, "null"))  return new_val(PL_JNull);
             break;
   default:  if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
                return read_number(r);
   }
   return fail(r, "a value");
}

void pl_json_free ( PL_JVal* v )
{
   if (v == NULL) return;
   if (v->str) VG_(free)(v->str);
   if (v->elems) {
      for (Word i = 0; i < VG_(sizeXA)(v->elems); i++)
         pl_json_free(*(PL_JVal**)VG_(indexXA)(v->elems, i));
      VG_(deleteXA)(v->elems);
   }
   if (v->keys) {
      for (Word i = 0; i < VG_(sizeXA)(v->keys); i++)
         VG_(free)(*(HChar**)VG_(indexXA)(v->keys, i));
      VG_(deleteXA)(v->keys);
   }
   VG_(free)(v);
}

PL_JVal* pl_json_parse ( const HChar* text, SizeT len,
                         const HChar* const* drop,
                         /*OUT*/HChar* why, SizeT why_sz )
{
   Reader r = { text, text + len, text, NULL, NULL, 0, drop };
   PL_JVal* v = read_value(&r);
   if (v) {
      skip_ws(&r);
      if (r.p < r.end) {
         fail(&r, "the end of the document");
         pl_json_free(v);
         v = NULL;
      }
   }
   if (v == NULL) {
      UInt line = 1;
      for (const HChar* q = text; q < r.err_at; q++)
         if (*q == '\n') line++;
      VG_(snprintf)(why, why_sz, "line %u: expected %s", line, r.err);
   }
   return v;
}

PL_JVal* pl_json_get ( const PL_JVal* obj, const HChar* key )
{
   if (obj == NULL || obj->type != PL_JObj) return NULL;
   for (Word i = 0; i < VG_(sizeXA)(obj->keys); i++)
      if (VG_(strcmp)(*(HChar**)VG_(indexXA)(obj->keys, i), key) == 0)
         return *(PL_JVal**)VG_(indexXA)(obj->elems, i);
   return NULL;
}

UInt pl_json_len ( const PL_JVal* v )
{
   return v && (v->type == PL_JArr || v->type == PL_JObj)
          ? VG_(sizeXA)(v->elems) : 0;
}

PL_JVal* pl_json_at ( const PL_JVal* v, UInt i )
{
   return i < pl_json_len(v) ? *(PL_JVal**)VG_(indexXA)(v->elems, i) : NULL;
}

/* The whole of file PATH, NUL-terminated; NULL and *ERR (an errno)
   when it cannot be read. */
HChar* pl_read_file ( const HChar* path, /*OUT*/SizeT* len,
                      /*OUT*/UWord* err )
{
   SysRes sr = VG_(open)(path, VKI_O_RDONLY, 0);
   if (sr_isError(sr)) { *err = sr_Err(sr); return NULL; }
   Int fd = sr_Res(sr);
   XArray* xa = VG_(newXA)(VG_(malloc), "pl.jread.file", VG_(free), 1);
   HChar buf[16384];
   Int n;
   while ((n = VG_(read)(fd, buf, sizeof buf)) > 0)
      VG_(addBytesToXA)(xa, buf, n);
   VG_(close)(fd);
   if (n < 0) { VG_(deleteXA)(xa); *err = -n; return NULL; }
   *len = VG_(sizeXA)(xa);
   HChar* text = VG_(malloc)("pl.jread.text", *len + 1);
   if (*len) VG_(memcpy)(text, VG_(indexXA)(xa, 0), *len);
   text[*len] = '\0';
   VG_(deleteXA)(xa);
   return text;
}

/* errno names for the errors a user can cause with a file name. */
const HChar* pl_errno_text ( UWord err )
{
   switch (err) {
      case VKI_ENOENT:  return "no such directory";
      case VKI_EACCES:  return "permission denied";
      case VKI_EROFS:   return "read-only file system";
      case VKI_ENOTDIR: return "a path component is not a directory";
      case VKI_EISDIR:  return "is a directory";
      case VKI_ENOSPC:  return "no space left on device";
      default:          return "cannot open it";
   }
}
