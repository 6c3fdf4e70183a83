//! One parameter at a time: reading and changing a value of [`Params`] by its dotted path
//! (`labour.willing_hours_mean`), as a `set` event or a dashboard lever does during a run.
//!
//! A change carries only its path and value, so it never touches what the run has decided for
//! itself (the assemblies' decisions live in their own state, see `decisions::Government` and
//! [`crate::model::kernel::decl`] for which parameters may change during a run).
//!
//! The values pass through serde's data model (the parameter structs derive it), as an in-memory
//! tree: nothing here reads or writes a file.

use serde_json::Value as Tree;

use crate::model::kernel::params::Params;

/// A parameter's value, whatever its type.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    Bool(bool),
    Integer(i64),
    Float(f64),
    Text(String),
    List(Vec<ParamValue>),
}

impl ParamValue {
    fn to_tree(&self) -> Tree {
        match self {
            ParamValue::Bool(b) => Tree::Bool(*b),
            ParamValue::Integer(i) => Tree::from(*i),
            ParamValue::Float(x) => Tree::from(*x),
            ParamValue::Text(t) => Tree::String(t.clone()),
            ParamValue::List(items) => Tree::Array(items.iter().map(Self::to_tree).collect()),
        }
    }

    fn from_tree(tree: &Tree) -> Option<ParamValue> {
        Some(match tree {
            Tree::Bool(b) => ParamValue::Bool(*b),
            Tree::Number(n) => match n.as_i64() {
                Some(i) if !n.is_f64() => ParamValue::Integer(i),
                _ => ParamValue::Float(n.as_f64()?),
            },
            Tree::String(t) => ParamValue::Text(t.clone()),
            Tree::Array(items) => {
                ParamValue::List(items.iter().map(Self::from_tree).collect::<Option<_>>()?)
            }
            // serde writes a number that is not finite (NaN, infinity) as nothing.
            Tree::Null => ParamValue::Float(f64::NAN),
            Tree::Object(_) => return None,
        })
    }

    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Integer(i) => Some(*i as f64),
            ParamValue::Float(x) => Some(*x),
            _ => None,
        }
    }
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Integer(i) => write!(f, "{i}"),
            ParamValue::Float(x) => write!(f, "{x:?}"),
            ParamValue::Text(t) => write!(f, "{t:?}"),
            ParamValue::List(items) => {
                write!(f, "[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{item}")?;
                }
                write!(f, "]")
            }
        }
    }
}

fn tree(params: &Params) -> Tree {
    serde_json::to_value(params).expect("parameters always serialize")
}

fn node<'a>(tree: &'a Tree, path: &str) -> Option<&'a Tree> {
    path.split('.').try_fold(tree, |t, part| t.get(part))
}

impl Params {
    /// The value at dotted `path`, or `None` if no parameter has that path.
    pub fn value_at(&self, path: &str) -> Option<ParamValue> {
        let t = tree(self);
        node(&t, path).and_then(ParamValue::from_tree)
    }

    /// Every parameter's dotted path and value, in alphabetical order (tables are walked, not
    /// listed: `goods.clothing.need_adult` is a path, `goods.clothing` is not).
    pub fn leaves(&self) -> Vec<(String, ParamValue)> {
        fn walk(prefix: &str, t: &Tree, out: &mut Vec<(String, ParamValue)>) {
            match t {
                Tree::Object(map) => {
                    for (k, v) in map {
                        let path = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        };
                        walk(&path, v, out);
                    }
                }
                leaf => {
                    if let Some(v) = ParamValue::from_tree(leaf) {
                        out.push((prefix.to_owned(), v));
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk("", &tree(self), &mut out);
        out
    }

    /// These parameters with the value at `path` replaced. The value must have the parameter's
    /// type (a whole number is taken where a decimal is expected); the result is not range
    /// checked: that is the scenario layer's work, done before a change is scheduled.
    pub fn with_value(&self, path: &str, value: &ParamValue) -> Result<Params, String> {
        let mut t = tree(self);
        let mut parts: Vec<&str> = path.split('.').collect();
        let leaf = parts.pop().unwrap_or_default();
        let mut at = &mut t;
        for part in parts {
            at = at
                .get_mut(part)
                .filter(|n| n.is_object())
                .ok_or_else(|| format!("`{path}` is not a parameter"))?;
        }
        let Some(slot) = at.as_object_mut().and_then(|m| m.get_mut(leaf)) else {
            return Err(format!("`{path}` is not a parameter"));
        };
        if slot.is_object() {
            return Err(format!("`{path}` is a table, not one parameter"));
        }
        let mut new = value.to_tree();
        // A whole number where the parameter is a decimal, and the reverse when exact.
        if let (Tree::Number(old), Tree::Number(n)) = (&*slot, &new) {
            if old.is_f64() {
                new = Tree::from(n.as_f64().unwrap_or(f64::NAN));
            } else if let Some(x) = n.as_f64().filter(|x| x.fract() == 0.0 && n.is_f64()) {
                new = Tree::from(x as i64);
            }
        }
        *slot = new;
        serde_json::from_value(t).map_err(|e| format!("`{path}`: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_read_and_changed_by_its_path_alone() {
        let p = Params::default();
        assert_eq!(
            p.value_at("labour.willing_hours_mean"),
            Some(ParamValue::Float(4.0))
        );
        let q = p
            .with_value("labour.willing_hours_mean", &ParamValue::Integer(3))
            .unwrap();
        assert_eq!(q.labour.willing_hours_mean, 3.0);
        // Everything else is untouched.
        let mut back = q.clone();
        back.labour.willing_hours_mean = 4.0;
        assert_eq!(back, p);
        let r = p
            .with_value(
                "labour.undesirable_policy",
                &ParamValue::Text("rota".into()),
            )
            .unwrap();
        assert_eq!(
            r.labour.undesirable_policy,
            crate::model::kernel::params::UndesirablePolicy::Rota
        );
        let g = p
            .with_value("goods.clothing.need_adult", &ParamValue::Float(0.5))
            .unwrap();
        assert_eq!(g.goods.clothing.need_adult, 0.5);
        assert_eq!(g.goods.textiles, p.goods.textiles);
    }

    #[test]
    fn wrong_paths_and_types_are_refused() {
        let p = Params::default();
        assert!(
            p.with_value("labour.nope", &ParamValue::Bool(true))
                .is_err()
        );
        assert!(p.with_value("labour", &ParamValue::Bool(true)).is_err());
        assert!(
            p.with_value("labour.willing_hours_mean", &ParamValue::Text("x".into()))
                .is_err()
        );
        assert!(
            p.with_value("labour.undesirable_policy", &ParamValue::Text("odd".into()))
                .is_err()
        );
    }

    #[test]
    fn every_leaf_reads_back() {
        let p = Params::default();
        let leaves = p.leaves();
        assert!(leaves.len() > 100, "{}", leaves.len());
        for (path, value) in &leaves {
            assert_eq!(p.value_at(path).as_ref(), Some(value), "{path}");
            let same = p.with_value(path, value).unwrap();
            assert_eq!(same, p, "{path}");
        }
    }
}
