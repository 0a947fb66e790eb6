"""The fixed bilingual wording of trade documents: English with Chinese beside it.

Documents are read by banks, customs and carriers on both sides of the trade, so they are
always English and Simplified Chinese whatever language the person issuing them reads; their
wording lives here rather than in the interface catalogs.
"""

from __future__ import annotations

from app.models import DocumentKind, PaymentTerms, ShipmentMode

Bilingual = tuple[str, str]

TITLES: dict[DocumentKind, Bilingual] = {
    DocumentKind.PROFORMA_INVOICE: ("Proforma Invoice", "形式发票"),
    DocumentKind.COMMERCIAL_INVOICE: ("Commercial Invoice", "商业发票"),
    DocumentKind.PACKING_LIST: ("Packing List", "装箱单"),
    DocumentKind.CERTIFICATE_OF_ORIGIN: ("Certificate of Origin", "原产地证书"),
    DocumentKind.SHIPPING_MARKS: ("Shipping Marks", "唛头"),
    DocumentKind.DANGEROUS_GOODS: ("Dangerous Goods Declaration", "危险货物申报单"),
    DocumentKind.CREDIT_NOTE: ("Credit Note", "贷项通知单"),
}

# Commercial invoices on weight terms (issue #20): the two stages print their own title.
STAGE_TITLES: dict[str, Bilingual] = {
    "provisional": ("Provisional Commercial Invoice", "临时商业发票"),
    "final": ("Final Commercial Invoice", "最终商业发票"),
}

PAYMENT_TERMS: dict[PaymentTerms, Bilingual] = {
    PaymentTerms.ADVANCE: ("100% advance payment by T/T", "100%预付款（电汇）"),
    PaymentTerms.DEPOSIT_BALANCE_BL: (
        "30% deposit, 70% balance against copy of B/L",
        "30%定金，70%余款凭提单副本支付",
    ),
    PaymentTerms.LC_AT_SIGHT: ("Irrevocable letter of credit at sight", "不可撤销即期信用证"),
    PaymentTerms.NET_30: ("Net 30 days from commercial invoice date", "商业发票日期后30天付款"),
}

SHIPMENT_MODES: dict[ShipmentMode, Bilingual] = {
    ShipmentMode.SEA: ("Sea", "海运"),
    ShipmentMode.AIR: ("Air", "空运"),
    ShipmentMode.ROAD: ("Road", "公路"),
    ShipmentMode.RAIL: ("Rail", "铁路"),
}

# Exports are zero-rated in Pakistan; the invoice names the legal basis (s.23 particulars).
EXPORT_ZERO_RATED: Bilingual = (
    "Zero-rated export supply under section 4(a) of the Sales Tax Act, 1990",
    "出口零税率（巴基斯坦《1990年销售税法》第4(a)条）",
)

# Printed on every document under the QR code.
VERIFY_NOTE: Bilingual = (
    "Verify this document: scan the code or open",
    "扫描二维码或打开以下链接验证本文件",
)

# Field labels of the document layouts, by key (templates call ``label("invoice_no")``).
FIELDS: dict[str, Bilingual] = {
    "document_no": ("Document No.", "单据编号"),
    "invoice_no": ("Invoice No.", "发票号码"),
    "serial_no": ("Serial No.", "序列号"),
    "lc_number": ("Documentary credit No.", "信用证号"),
    "lc_issuing_bank": ("Issuing bank", "开证行"),
    "lc_goods": ("Goods as per the credit", "信用证所列货物"),
    "credit_note_no": ("Credit Note No.", "贷项通知单号"),
    "issue_date": ("Date", "日期"),
    "order_ref": ("Order No.", "订单号"),
    "buyer_po": ("Buyer PO No.", "买方采购单号"),
    "exporter": ("Exporter", "出口商"),
    "importer": ("Importer", "进口商"),
    "supplier": ("Supplier", "供货方"),
    "recipient": ("Recipient", "收货方"),
    "seller": ("Seller", "卖方"),
    "buyer": ("Buyer", "买方"),
    "shipper": ("Shipper", "发货人"),
    "consignee": ("Consignee", "收货人"),
    "notify_party": ("Notify party", "通知方"),
    "country": ("Country", "国家"),
    "strn": ("Sales Tax Reg. No.", "销售税登记号"),
    "line_no": ("No.", "序号"),
    "description": ("Description of goods", "货物描述"),
    "hs_code": ("HS code", "海关编码"),
    "origin": ("Origin", "原产地"),
    "quantity": ("Quantity", "数量"),
    "unit_price": ("Unit price", "单价"),
    "amount": ("Amount", "金额"),
    "value_excl_tax": ("Value excl. sales tax", "不含税金额"),
    "tax_rate": ("Rate", "税率"),
    "sales_tax": ("Sales tax", "销售税"),
    "value_incl_tax": ("Value incl. sales tax", "含税金额"),
    "currency": ("Currency", "币种"),
    "incoterm": ("Delivery terms", "交货条款"),
    "payment_terms": ("Payment terms", "付款条件"),
    "quantity_tolerance": ("Quantity tolerance", "溢短装"),
    "partial_shipments": ("Partial shipments", "分批装运"),
    "value_on_loading": ("Value on loading weight", "按装货重量计算的货值"),
    "withheld": ("Withheld until the final invoice", "留待最终发票结算"),
    "final_value": ("Value on outturn", "按卸货结果计算的货值"),
    "provisional_deducted": ("Less provisional invoice", "减：临时发票"),
    "amount_due": ("Amount due", "应付金额"),
    "amount_credited": (
        "Less than provisional: credited by credit note",
        "低于临时发票：以贷项通知单冲减",
    ),
    "outturn": ("Outturn at discharge", "卸货结果"),
    "surveyor": ("Surveyor", "检验机构"),
    "survey_certificate": ("Survey certificate (SHA-256)", "检验证书（SHA-256）"),
    "outturn_quantity": ("Outturn (wet)", "卸货重量（湿）"),
    "moisture": ("Moisture", "水分"),
    "dry_quantity": ("Invoiced (dry)", "计价重量（干）"),
    "price_adjustment": ("Grade adjustment / unit", "品位调整/单位"),
    "provisional_invoice": ("Provisional invoice", "临时发票"),
    "lot": ("Lot", "批次"),
    "delivery_period": ("Delivery period", "交货期"),
    "ship_by": ("Ship by", "最迟装运日期"),
    "lead_time": ("Lead time (days)", "生产周期（天）"),
    "valid_until": ("Valid until", "有效期至"),
    "revision": ("Revision", "修订版"),
    "accepted_quote": ("Accepted quote", "已接受的报价"),
    "supersedes": ("Supersedes", "取代"),
    "bank_details": ("Exporter's bank details", "出口商银行信息"),
    "beneficiary": ("Beneficiary", "收款人"),
    "bank": ("Bank", "银行"),
    "account": ("Account / IBAN", "账号/IBAN"),
    "swift": ("SWIFT", "SWIFT代码"),
    "bank_address": ("Bank address", "银行地址"),
    "bank_on_request": ("Bank details on request", "银行信息另行提供"),
    "amount_in_words": ("Amount in words", "金额（大写）"),
    "goods_total": ("Goods", "货物金额"),
    "freight": ("Freight", "运费"),
    "insurance": ("Insurance", "保险费"),
    "total": ("Total", "总计"),
    "tax_basis": ("Sales tax basis", "销售税依据"),
    "marks": ("Shipping marks", "唛头"),
    "packages": ("Packages", "件数"),
    "package_type": ("Kind of packages", "包装种类"),
    "package_no": ("Package No.", "箱号"),
    "contents": ("Contents", "内容"),
    "net_weight": ("Net weight", "净重"),
    "gross_weight": ("Gross weight", "毛重"),
    "dimensions": ("L×W×H (mm)", "长×宽×高（毫米）"),
    "volume": ("Volume", "体积"),
    "transport": ("Means of transport", "运输方式"),
    "vessel_voyage": ("Vessel / voyage", "船名/航次"),
    "flight": ("Flight", "航班"),
    "carrier": ("Carrier", "承运人"),
    "port_of_loading": ("Port of loading", "装货港"),
    "port_of_discharge": ("Port of discharge", "卸货港"),
    "bl_number": ("B/L / AWB No.", "提单/空运单号"),
    "containers": ("Container Nos.", "集装箱号"),
    "etd": ("ETD", "预计开航日期"),
    "destination": ("Destination", "目的地"),
    "declaration": ("Declaration", "声明"),
    "for_and_on_behalf": ("For and on behalf of", "代表"),
    "signatory": ("Authorised signatory", "授权签字人"),
    "signature": ("Signature", "签字"),
    "place_and_date": ("Place and date", "地点和日期"),
    "un_entry": (
        "UN No., proper shipping name, class, subsidiary risk, packing group",
        "联合国编号、正式运输名称、类别、次要危险性、包装类",
    ),
    "packages_and_quantity": (
        "Number and kind of packages; total quantity",
        "包装件数及种类；总数量",
    ),
    "net_explosive_mass": ("Total net explosive mass", "爆炸品净含量合计"),
    "ems": ("EmS", "应急措施表"),
    "emergency_contact": ("24-hour emergency contact", "24小时应急联系人"),
    "un_number": ("UN No.", "联合国编号"),
    "hazard_label": ("Class label", "危险类别标签"),
    "line_ref": ("Order line", "订单行"),
    "container_no": ("Container No.", "集装箱号"),
    "container_type": ("Size/type (ISO 6346)", "箱型（ISO 6346）"),
    "seal_no": ("Seal No.", "铅封号"),
    "travels_as": ("Class 1 stowed as group", "第1类货物按配装组"),
    "stowage": ("Containers and their contents", "集装箱及装载内容"),
    "packing_certificate": ("Container packing certificate", "集装箱装箱证明"),
    "packed_by": ("Packed by", "装箱人"),
    "credited_amount": ("Amount credited", "贷记金额"),
    "corrects_invoice": ("Invoice corrected", "所更正发票"),
    "invoice_date": ("Invoice date", "发票日期"),
    "reason": ("Reason", "原因"),
    "co_1": ("Exporter (name, address, country)", "出口商（名称、地址、国家）"),
    "co_2": ("Consignee (name, address, country)", "收货人（名称、地址、国家）"),
    "co_3": ("Means of transport and route (as far as known)", "运输方式及路线（就所知而言）"),
    "co_4": ("For official use only", "仅供官方使用"),
    "co_5": ("Item number", "项目编号"),
    "co_6": ("Marks and numbers of packages", "唛头及包装号码"),
    "co_7": ("Number and kind of packages; description of goods", "包装件数及种类；货物描述"),
    "co_8": ("HS code (6 digits)", "HS编码（六位）"),
    "co_9": ("Origin criterion", "原产地标准"),
    "co_10": ("Gross weight or other quantity, and FOB value", "毛重或其他数量及FOB价格"),
    "co_11": ("Number and date of invoice", "发票号码及日期"),
    "co_12": ("Declaration by the exporter", "出口商声明"),
    "co_13": ("Certification", "证明"),
}

PACKAGE_TYPES: dict[str, Bilingual] = {
    "box": ("Cartons", "纸箱"),
    "bag": ("Bags", "袋"),
    "drum": ("Drums", "桶"),
    "ibc": ("IBCs", "中型散装容器"),
    "pallet": ("Pallets", "托盘"),
    "crate": ("Crates", "板条箱"),
    "bulk": ("Bulk", "散装"),
    "block": ("Blocks / slabs", "石块/板材"),
}

# Quantities print their unit as people read it, English then Chinese ("12.500 t 吨"),
# by its UN/ECE Rec 20 code; the e-invoice keeps the code (unitCode="TNE"). A unit missing
# here prints its code.
UNITS: dict[str, Bilingual] = {
    "TNE": ("t", "吨"),
    "KGM": ("kg", "千克"),
    "LTR": ("l", "升"),
    "MTQ": ("m³", "立方米"),
    "MTK": ("m²", "平方米"),
    "MTR": ("m", "米"),
    "PCE": ("pcs", "件"),
    "SET": ("sets", "套"),
}
# The English of exactly one of a counted unit ("1 pc 件"); Chinese has no plural.
UNIT_ONE: dict[str, str] = {"PCE": "pc", "SET": "set"}

# "More or less 5 % at seller's option" (UCP 600 art. 30); {percent} is a whole number.
TOLERANCE_AT: dict[str, Bilingual] = {
    "seller": ("More or less {percent}% at seller's option", "溢短装{percent}%，由卖方选择"),
    "buyer": ("More or less {percent}% at buyer's option", "溢短装{percent}%，由买方选择"),
}

PARTIAL_SHIPMENTS_ALLOWED: Bilingual = ("Allowed", "允许")
LOT_N: Bilingual = ("Lot {n}", "第{n}批")

PACKAGE_N_OF: Bilingual = ("Package {n} of {total}", "第{n}件，共{total}件")

CO_FORM_TITLE: Bilingual = (
    "China–Pakistan Free Trade Agreement: application for a certificate of origin",
    "中国—巴基斯坦自由贸易协定原产地证书申请",
)
CO_DRAFT: Bilingual = ("DRAFT — application for the issuing authority", "草稿")
CO_EXPORTER_DECLARATION: Bilingual = (
    "The undersigned hereby declares that the above details and statements are correct, that "
    "all the goods were produced in {origin} and that they comply with the origin requirements "
    "specified for these goods in the China–Pakistan Free Trade Agreement for goods exported "
    "to {destination}.",
    "下列签字人声明，上述资料及申明正确无误，所有货物产自{origin}，且符合中国—巴基斯坦自由贸易协定"
    "对出口至{destination}的货物所规定的原产地要求。",
)
CO_CERTIFICATION: Bilingual = (
    "It is hereby certified, on the basis of control carried out, that the declaration by the "
    "exporter is correct.",
    "根据所实施的监管，兹证明出口商所做申报正确。",
)
CO_OFFICIAL_STAMP: Bilingual = (
    "Place, date, signature and stamp of certifying authority",
    "签证机构地点、日期、签字和印章",
)

# Before the amount in Chinese financial numerals ("大写：美元壹仟元整").
AMOUNT_IN_CHINESE = "大写："

INVOICE_DECLARATION: Bilingual = (
    "We declare that this invoice shows the actual price of the goods described and that all "
    "particulars are true and correct.",
    "我们声明，本发票所列货物价格真实，所有内容均真实无误。",
)
# IMDG Code 5.4.2.1: what the person responsible for packing the container certifies.
PACKING_CERTIFICATE: Bilingual = (
    "It is declared that the packing of the goods into the container has been carried out in "
    "accordance with the applicable provisions of IMDG Code 5.4.2.1: the container was clean, "
    "dry and fit to receive the goods; packages were inspected and undamaged; goods were "
    "segregated and secured as required; the container and packages are marked and placarded.",
    "兹声明，货物装入集装箱已按《国际海运危险货物规则》5.4.2.1的规定进行：集装箱清洁、干燥、适于装货；"
    "包件经检查无损坏；货物已按要求隔离和紧固；集装箱及包件已正确标记和挂牌。",
)
DG_DECLARATION: Bilingual = (
    "I hereby declare that the contents of this consignment are fully and accurately described "
    "above by the proper shipping name, and are classified, packaged, marked and "
    "labelled/placarded and are in all respects in proper condition for transport according "
    "to the applicable international and national governmental regulations.",
    "兹声明，本批货物的内容已按正式运输名称完整准确地描述如上，并已根据适用的国际和国家政府规定"
    "进行分类、包装、标记和贴标/挂牌，在各方面均处于适合运输的良好状态。",
)
