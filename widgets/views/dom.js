// el(tag, attrs, ...children): one element, for the views' code.  An attribute
// that is false, null or undefined is left out; true sets it with no value.
// _base.py puts this file in front of each view that uses it.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
  for (const c of children) node.append(c);
  return node;
}
