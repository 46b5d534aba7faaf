//! Small helpers over typed model fields that several types share.

use tfplugin::Field;

/// The field, with an unknown value made null: what a state built from a plan keeps of an
/// attribute (a partly known nested value is kept as it is).
pub(crate) fn unknown_as_null<T: Clone>(field: &Field<T>) -> Field<T> {
    if field.is_unknown() {
        Field::Null
    } else {
        field.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unknown_becomes_null() {
        assert!(unknown_as_null(&Field::<i64>::Unknown).is_null());
        assert_eq!(unknown_as_null(&Field::Known(3)), Field::Known(3));
        assert!(unknown_as_null(&Field::<i64>::Null).is_null());
    }
}
