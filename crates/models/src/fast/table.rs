//! `fast_row!`: a row's field table, expanded into its [`FastRow`] impl.
//!
//! [`FastRow`]: super::FastRow

/// Implements [`FastRow`](super::FastRow) for a struct from its field table: `field: "wireName"
/// => required(read)` or `=> default(read)`, where `read` is the function the
/// derived `Deserialize` uses for that field (its `with` module's
/// `deserialize`, or the field type's `Deserialize::deserialize`), or one of
/// `decimal`, `opt_decimal`, `int`, `opt_int`: the [`crate::num`] adapters
/// of those names, with plain quoted numbers parsed in place, or `string`
/// for a `String` (read into the old row's buffer by `read_row_into`). A required
/// field that is missing falls back (serde reports it); a `default` one takes
/// `Default::default()`, as `#[serde(default)]` does. List the fields in the
/// order OKX sends them: each key is tried against the one after the
/// previous match first. The struct literal names every field, so a field
/// added to the struct and not to the table does not compile.
macro_rules! fast_row {
    ($ty:ident { $( $field:ident : $wire:literal => $mode:ident ( $($read:tt)+ ) ),+ $(,)? }) => {
        impl $crate::fast::FastRow for $ty {
            #[inline]
            fn read_row(
                c: &mut $crate::fast::Cursor<'_>,
            ) -> Result<Self, $crate::fast::Fallback> {
                use $crate::fast::Fallback;
                #[allow(non_camel_case_types)]
                #[derive(Clone, Copy)]
                enum F { $( $field ),+ }
                const KEYS: &[(&str, F)] = &[ $( ($wire, F::$field) ),+ ];
                const { assert!(KEYS.len() <= 128, "one bit per field in `seen`") };
                $( let mut $field = $crate::fast::fast_row!(@init $mode); )+
                // fields read so far: a second value for one falls back, as
                // serde's derive reports a duplicate field
                let mut seen = 0u128;
                let mut open = c.begin_object()?;
                let mut hint = 0;
                while open {
                    match c.field(KEYS, &mut hint)? {
                        $( Some(F::$field) => {
                            let bit = 1u128 << (F::$field as u32);
                            if seen & bit != 0 {
                                return Err(Fallback);
                            }
                            seen |= bit;
                            $field = $crate::fast::fast_row!(
                                @wrap $mode $crate::fast::fast_row!(@read c $($read)+)
                            );
                        } )+
                        None => c.skip_value()?,
                    }
                    open = c.next_member()?;
                }
                Ok($ty {
                    $( $field: $crate::fast::fast_row!(@take $mode $field), )+
                })
            }

            #[inline]
            fn read_row_into(
                c: &mut $crate::fast::Cursor<'_>,
                row: &mut Self,
            ) -> Result<(), $crate::fast::Fallback> {
                use $crate::fast::Fallback;
                #[allow(non_camel_case_types)]
                #[derive(Clone, Copy)]
                enum F { $( $field ),+ }
                const KEYS: &[(&str, F)] = &[ $( ($wire, F::$field) ),+ ];
                let mut seen = 0u128;
                let mut open = c.begin_object()?;
                let mut hint = 0;
                while open {
                    match c.field(KEYS, &mut hint)? {
                        $( Some(F::$field) => {
                            let bit = 1u128 << (F::$field as u32);
                            if seen & bit != 0 {
                                return Err(Fallback);
                            }
                            seen |= bit;
                            $crate::fast::fast_row!(@into c row.$field, $($read)+);
                        } )+
                        None => c.skip_value()?,
                    }
                    open = c.next_member()?;
                }
                // What the object did not hold: a required field falls
                // back, a default one is reset (the row held another's).
                $( if seen & (1u128 << (F::$field as u32)) == 0 {
                    $crate::fast::fast_row!(@missing $mode row.$field);
                } )+
                Ok(())
            }
        }
    };
    (@into $c:ident $place:expr, string) => { $c.string_into(&mut $place)? };
    (@into $c:ident $place:expr, $($read:tt)+) => {
        $place = $crate::fast::fast_row!(@read $c $($read)+)
    };
    (@missing required $place:expr) => { return Err(Fallback) };
    (@missing default $place:expr) => { $place = Default::default() };
    (@init required) => { None };
    (@init default) => { Default::default() };
    (@wrap required $value:expr) => { Some($value) };
    (@wrap default $value:expr) => { $value };
    (@take required $field:ident) => { $field.ok_or(Fallback)? };
    (@take default $field:ident) => { $field };
    (@read $c:ident decimal) => { $c.decimal()? };
    (@read $c:ident opt_decimal) => { $c.opt_decimal()? };
    (@read $c:ident int) => { $c.int()? };
    (@read $c:ident opt_int) => { $c.opt_int()? };
    (@read $c:ident string) => { $c.string()? };
    (@read $c:ident $($read:tt)+) => { ($($read)+)($c.value()?)? };
}

pub(crate) use fast_row;
