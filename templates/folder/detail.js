  // --- filters, detail, PDF, email, remove, re-issue (included inside folder.html's script) ---
  // Errors are shown as problem(answer) says them; nothing here reads error codes for text.
  var filter = { kind: "", status: "", q: "" };
  var current = null;  // the detail answer on screen
  var searchTimer = null;
  var STATUS_QUERY = { valid: "&status=valid", reversed: "&status=reversed",
                       locked: "&reimbursement=locked", closed: "&reimbursement=closed" };
  var CLAIMS = { locked: "报销中", closed: "已报销" };
  var REFUSALS = {
    invoice_not_valid: "这张发票已冲红，或本身是红字发票，不能再换开。",
    receipt_claimed_locked: "这张发票正由报销单位锁定报销，解锁前不能换开（换开会先冲红原发票）。",
    receipt_claimed_closed: "这张发票已报销入账，不能再换开。"
  };

  function filtering() { return !!(filter.kind || filter.status || filter.q); }

  function filterQuery() {
    return (filter.kind ? "&kind=" + filter.kind : "") + (STATUS_QUERY[filter.status] || "") +
      (filter.q ? "&q=" + encodeURIComponent(filter.q) : "");
  }

  function claimBadge(item) {
    var b = document.createElement("span");
    b.className = "badge claim " + (item.reimbursement === "closed" ? "ok" : "warn");
    b.textContent = CLAIMS[item.reimbursement];
    return b;
  }

  function refilter() { $("error").hidden = true; return loadPage(true); }

  Array.prototype.forEach.call(document.querySelectorAll("#filters .chips button"), function (b) {
    b.addEventListener("click", function () {
      filter.kind = b.dataset.kind;
      Array.prototype.forEach.call(document.querySelectorAll("#filters .chips button"), function (o) {
        o.setAttribute("aria-pressed", String(o === b));
      });
      refilter();
    });
  });
  $("filter-status").addEventListener("change", function () {
    filter.status = $("filter-status").value; refilter();
  });
  $("filter-text").addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      var q = $("filter-text").value.trim();
      if (q === filter.q) return;
      filter.q = q; refilter();
    }, 300);
  });

  // --- the detail ------------------------------------------------------------------------------
  function line(list, term, value) {
    if (value === null || value === undefined || value === "") return;
    var dt = document.createElement("dt"); dt.textContent = term;
    var dd = document.createElement("dd"); dd.textContent = value;
    list.appendChild(dt); list.appendChild(dd);
  }

  function badge(cls, text, id) {
    var b = document.createElement("span");
    b.className = "badge " + cls; b.textContent = text; if (id) b.id = id;
    return b;
  }

  function showDetail(on) {
    show("detail", on);
    show("tabs", !on);
    show("pane-folder", !on);
    if (on) show("pane-trips", false);
    window.scrollTo(0, 0);
  }

  function render(d) {
    var r = d.receipt, medical = r.kind === "medical";
    current = d;
    $("d-issuer").textContent = r.issuer.name;
    // A 数电票 has a 20-digit number and no code: no dash before it.
    var label = r.code ? r.code + "-" + r.number : r.number;
    $("d-kind").textContent = (medical ? "医疗收费电子票据" : "电子发票（普通发票）") + " · " + label;
    $("d-total").textContent = "¥" + r.total;
    $("d-capitals").textContent = r.total_in_capitals;
    $("d-added").textContent = "收入票夹 " + d.added_at.slice(0, 10);
    var badges = $("d-badges"); badges.textContent = "";
    if (r.reverses) badges.appendChild(badge("bad", "红字票据（冲 " + r.reverses.code + "-" + r.reverses.number + "）", "d-status"));
    else if (r.status === "reversed") badges.appendChild(badge("bad", "已冲红", "d-status"));
    else badges.appendChild(badge("ok", "有效", "d-status"));
    var claim = d.reimbursement;
    if (claim.state !== "available") {
      badges.appendChild(badge(claim.state === "closed" ? "ok" : "warn",
        CLAIMS[claim.state] + (claim.since ? "（" + claim.since.slice(0, 10) + " 起）" : ""), "d-claim"));
    }
    var ledger = r.ledger.state;
    badges.appendChild(ledger === "pending" ? badge("warn", "上链中", "d-ledger")
      : badge("ok", ledger === "witnessed" ? "已上链 · 已见证" : "已上链", "d-ledger"));

    var fields = $("d-fields"); fields.textContent = "";
    line(fields, "开票时间", r.issued_at.slice(0, 10) + " " + r.issued_at.slice(11, 16));
    if (d.invoice) {
      line(fields, "抬头类型", d.invoice.buyer.kind === "company" ? "单位" : "个人");
      line(fields, "购买方", d.invoice.buyer.name);
      line(fields, "统一社会信用代码", d.invoice.buyer.tax_id);
      line(fields, "金额（不含税）", "¥" + d.invoice.net);
      line(fields, "税率", d.invoice.tax_rate);
      line(fields, "税额", "¥" + d.invoice.tax);
    } else {
      line(fields, "交款人", d.shown.name);
      line(fields, "身份证号", d.shown.id_number);
      if (r.visit.department) line(fields, "科室", r.visit.department);
      line(fields, "医保统筹基金支付", r.payment.fund);
      line(fields, "其他支付", r.payment.other);
      line(fields, "个人账户支付", r.payment.account);
      line(fields, "个人现金支付", r.payment.cash);
    }
    line(fields, "开票人", r.cashier);
    if (r.reversal_reason) line(fields, "冲红原因", r.reversal_reason);

    var items = $("d-items"); items.textContent = "";
    r.items.forEach(function (item) {
      var tr = document.createElement("tr");
      var name = document.createElement("td");
      name.textContent = item.name;
      name.appendChild(cell("muted", item.category + " · " + item.quantity + item.unit));
      var amount = document.createElement("td"); amount.className = "num"; amount.textContent = item.amount;
      tr.appendChild(name); tr.appendChild(amount); items.appendChild(tr);
    });
    show("d-items-box", r.items.length > 0);
    $("d-verify").href = d.verify_url;

    $("d-email").value = $("d-email").value || r.payer.email || "";
    formError("d-email-error", "");
    show("d-email-done", false);

    show("d-reissue-box", !!d.invoice);
    if (d.invoice) {
      var allowed = d.invoice.reissue.allowed;
      $("d-reissue-why").textContent = allowed
        ? "抬头开错了？换开会先冲红这张发票（原发票作废），再用新抬头为同样的行程重新开具一张，新发票同样放入票夹。"
        : (REFUSALS[d.invoice.reissue.refusal] || "这张发票现在不能换开。");
      show("d-reissue-form", allowed);
      $("rk-personal").checked = true;
      showReissueKind();
      formError("d-reissue-error", "");
    }

    show("d-remove-confirm", false);
    show("d-remove", true);
  }

  function openDetail(id, notice) {
    return api("GET", "/api/v1/folder/receipts/" + encodeURIComponent(id)).then(function (a) {
      if (a.status === 401) { loggedOut(); return; }
      if (a.status !== 200) { fail(problem(a)); return; }
      $("detail-error").hidden = true;
      $("d-email").value = "";
      render(a.data);
      var box = $("detail-notice");
      box.textContent = notice || "";
      box.hidden = !notice;
      if (!history.state || history.state.detail !== id) {
        history.pushState({ detail: id }, "", location.pathname + "#receipt");
      }
      showDetail(true);
    }, function () { fail("网络异常，请稍后再试"); });
  }

  var poppingOurselves = false;  // the back button's popstate closes the detail; ours must not

  function closeDetail(reload) {
    current = null;
    showDetail(false);
    if (history.state && history.state.detail) { poppingOurselves = true; history.back(); }
    if (reload) return Promise.all([loadTotals(), loadPage(true)]);
  }

  window.addEventListener("popstate", function () {
    if (poppingOurselves) { poppingOurselves = false; return; }
    if (!$("detail").hidden && !(history.state && history.state.detail)) { current = null; showDetail(false); }
  });
  $("detail-back").addEventListener("click", function () { closeDetail(false); });

  function rowFor(event) {
    var li = event.target.closest ? event.target.closest("#receipt-list .receipt") : null;
    return li && li.dataset.id ? li : null;
  }
  $("receipt-list").addEventListener("click", function (event) {
    var li = rowFor(event);
    if (li) openDetail(li.dataset.id);
  });
  $("receipt-list").addEventListener("keydown", function (event) {
    var li = rowFor(event);
    if (li && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); openDetail(li.dataset.id); }
  });

  // --- files (PDF, accounting XML): fetched with the session, handed to the browser -------------
  function fileName(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename\*=UTF-8''([^;]+)/.exec(header);
    try { return match ? decodeURIComponent(match[1]) : fallback; } catch (e) { return fallback; }
  }

  // One download button: ``file`` of the open receipt, saved under the server's file name.
  function download(buttonId, file, busy, fallback) {
    var button = $(buttonId);
    var label = button.textContent;
    button.addEventListener("click", function () {
      if (!current) return;
      var path = "/api/v1/folder/receipts/" + current.receipt.id + "/" + file;
      button.disabled = true; button.textContent = busy;
      var done = function () { button.disabled = false; button.textContent = label; };
      fetch(path, { headers: { "Authorization": "Bearer " + token() }, credentials: "omit" }).then(function (r) {
        if (r.status !== 200) {
          // The error is read again the page's usual way, so it is worded as every other.
          return api("GET", path).then(function (a) {
            done();
            if (a.status === 401) { loggedOut(); return; }
            $("detail-error").textContent = problem(a); $("detail-error").hidden = false;
          });
        }
        return r.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var link = document.createElement("a");
          link.href = url; link.download = fileName(r, fallback); link.hidden = true;
          document.body.appendChild(link);
          link.click();
          setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 60000);
          done();
        });
      }).catch(function () { done(); $("detail-error").textContent = "网络异常，请稍后再试"; $("detail-error").hidden = false; });
    });
  }

  download("d-pdf", "receipt.pdf", "正在生成 PDF…", "电子票据.pdf");
  download("d-xml", "receipt.xml", "正在准备会计数据…", "电子票据会计数据.xml");

  // --- email a copy ----------------------------------------------------------------------------
  $("d-email-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    var to = $("d-email").value.trim();
    if (!to) { formError("d-email-error", "请填写邮箱地址。"); $("d-email").setAttribute("aria-invalid", "true"); return; }
    formError("d-email-error", "");
    $("d-email").removeAttribute("aria-invalid");
    $("d-email-submit").disabled = true;
    api("POST", "/api/v1/folder/receipts/" + current.receipt.id + "/email", { to: to }).then(function (a) {
      $("d-email-submit").disabled = false;
      if (a.status === 401) { loggedOut(); return; }
      if (a.status !== 202) {
        $("d-email").setAttribute("aria-invalid", "true");
        formError("d-email-error", problem(a));
        return;
      }
      var said = $("d-email-done");
      said.textContent = "已加入发送队列：电子票将发送到 " + a.data.to + "，请留意收件箱（含垃圾邮件）。";
      said.hidden = false;
    }, function () { $("d-email-submit").disabled = false; formError("d-email-error", "网络异常，请稍后再试。"); });
  });
  $("d-email").addEventListener("input", function () { $("d-email").removeAttribute("aria-invalid"); });

  // --- remove, after a confirmation ------------------------------------------------------------
  $("d-remove").addEventListener("click", function () {
    if (!current) return;
    var text = "移出后票据本身不会删除，仍可查验，报销状态和上链记录都不变；以后扫描票据上的二维码可以重新加入票夹。";
    if (current.reimbursement.state === "locked") text = "这张票据正在报销中。" + text + "移出不会影响报销。";
    if (current.invoice) text += "交通发票请先下载 PDF 保存。";
    $("d-remove-text").textContent = text;
    show("d-remove", false);
    show("d-remove-confirm", true);
    $("d-remove-confirm").scrollIntoView({ block: "center" });
  });
  $("d-remove-cancel").addEventListener("click", function () {
    show("d-remove-confirm", false); show("d-remove", true);
  });
  $("d-remove-yes").addEventListener("click", function () {
    if (!current) return;
    var gone = current;
    $("d-remove-yes").disabled = true;
    api("DELETE", "/api/v1/folder/receipts/" + gone.receipt.id).then(function (a) {
      $("d-remove-yes").disabled = false;
      if (a.status === 401) { loggedOut(); return; }
      if (a.status !== 204) { $("detail-error").textContent = problem(a); $("detail-error").hidden = false; return; }
      var box = $("added");
      box.textContent = "已移出票夹：" + gone.receipt.issuer.name + " ¥" + gone.receipt.total;
      box.dataset.state = "removed";
      show("added", true);
      show("invoiced", false);
      return closeDetail(true);
    }, function () { $("d-remove-yes").disabled = false; fail("网络异常，请稍后再试"); });
  });

  // --- re-issue (换开) a transit invoice with a new title ---------------------------------------
  function showReissueKind() {
    var company = $("rk-company").checked;
    $("rk-company-label").classList.toggle("on", company);
    $("rk-personal-label").classList.toggle("on", !company);
    $("rk-name-label").textContent = company ? "单位名称" : "姓名";
    $("rk-name").placeholder = company ? "单位全称，如 广州某某科技有限公司" : "新抬头上的姓名";
    show("rk-tax-id-field", company);
  }
  $("rk-personal").addEventListener("change", showReissueKind);
  $("rk-company").addEventListener("change", showReissueKind);

  $("d-reissue-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    var company = $("rk-company").checked;
    var name = $("rk-name").value.trim();
    if (!name) { formError("d-reissue-error", company ? "请填写单位名称。" : "请填写姓名。"); return; }
    var title = { kind: company ? "company" : "personal", name: name };
    if (company) {
      var taxId = $("rk-tax-id").value.replace(/\s+/g, "").toUpperCase();
      $("rk-tax-id").value = taxId;
      if (!/^[0-9A-Z]{18}$/.test(taxId)) { formError("d-reissue-error", "统一社会信用代码应为 18 位数字或大写字母。"); return; }
      title.tax_id = taxId;
    }
    var body = { title: title };
    var email = $("rk-email").value.trim();
    if (email) body.email = email;
    formError("d-reissue-error", "");
    var submit = $("rk-submit");
    submit.disabled = true; submit.textContent = "正在换开…";
    var old = current;
    api("POST", "/api/v1/folder/transit-invoices/" + old.receipt.id + "/reissue", body).then(function (a) {
      submit.disabled = false; submit.textContent = "冲红原发票并换开";
      if (a.status === 401) { loggedOut(); return; }
      if (a.status !== 201) { formError("d-reissue-error", problem(a)); return; }
      $("rk-name").value = ""; $("rk-tax-id").value = ""; $("rk-email").value = "";
      var said = "已换开：原发票 " + old.receipt.code + "-" + old.receipt.number + " 已冲红，新发票抬头 " + a.data.buyer.name + "。";
      if (a.data.email) said += "新发票将发送到 " + a.data.email.to + "。";
      history.replaceState(null, "", location.pathname);
      loadTotals(); loadPage(true);
      return openDetail(a.data.receipt.id, said);
    }, function () {
      submit.disabled = false; submit.textContent = "冲红原发票并换开";
      formError("d-reissue-error", "网络异常，发票未换开，请稍后再试。");
    });
  });

