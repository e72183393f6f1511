//! probe
#[cfg(test)]
mod tests {
    #[test]
    fn probe() {
        let src = "import os\nfrom flask import Flask as F\nimport a.b\nimport c.d as e\napp: F = F(__name__)\nx, y = 1, 2\n(p, q) = 3, 4\n[r, s] = 5, 6\nwith open('f') as w:\n    pass\nfor it in []:\n    pass\nif (wal := 3):\n    pass\ntry:\n    from g import h\nexcept ImportError:\n    h = None\ndef fn():\n    global gl\n    gl = 1\nclass K:\n    inner = 1\nasync def af():\n    pass\n@dec\ndef decorated():\n    pass\nm = n = F()\nz += 1\nt.attr = 2\nd['k'] = 3\nif True:\n    cond = 1\nelse:\n    cond2 = 2\nmatch x:\n    case [mc]:\n        pass\nfrom . import rel\nfrom .mod import relname as rn\nfrom star import *\n";
        let m = crate::parse::python::parse_module(crate::source::FileId::default(), src);
        for a in &m.assignments { eprintln!("A {} cond={}", a.target.value, a.conditional); }
        for b in &m.bindings { eprintln!("B {} {:?} cond={}", b.name.value, b.kind, b.conditional); }
        for i in &m.imports { eprintln!("I {:?} names={:?} kind={:?}", i.module, i.names, i.kind); }
        eprintln!("err {:?}", m.error);
    }
}
