//! The methods that change one edge of a graph by an amount: `reinforce(from, to, amount?)`
//! and `penalty(from, to, amount?)`, on `BaseGraph` and on `RuntimeGraph`.

/// Writes a graph handle's edge changes, all with the one signature above: `from` a source
/// id, `to` a target id, `amount` what `js::amount` takes (1 when omitted). Each method hands
/// the three arguments, as JS passed them, to the handle's own `change(from, to, amount, how)`
/// with its `how`, so the arguments are read and refused in one place per class.
///
/// Each method's doc is given as `#[doc = "…"]`: a `///` comment passed through a macro reaches
/// wasm-bindgen as a raw string, which it would copy into the TypeScript declarations with its
/// `r"`.
macro_rules! edge_changes {
    ($class:ident { $($(#[$doc:meta])* $name:ident => $how:expr;)+ }) => {
        #[wasm_bindgen]
        impl $class {
            $(
                $(#[$doc])*
                pub fn $name(
                    &self,
                    #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
                    #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
                    #[wasm_bindgen(unchecked_optional_param_type = "number")] amount: JsValue,
                ) -> Result<(), JsValue> {
                    self.change(&from, &to, &amount, $how)
                }
            )+
        }
    };
}

pub(crate) use edge_changes;
