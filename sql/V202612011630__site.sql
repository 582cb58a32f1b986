-- What the pages tell anyone about the site: its name, and how members pay (the bank account a transfer goes to, the
-- PayPal page a payment is made on). Read through api.site_get, set through api.setting_set like any other setting.

insert into dues.setting (name, value, type, optional, description) values
    ('site_name', 'dues', 'text', false,
     'Name of the organisation, shown at the top of every page'),
    ('bank_transfer_account', '', 'text', true,
     'Bank account members send transfers to (IBAN and BIC, or account and routing numbers), shown with what to pay; '
     'empty: no bank transfer is offered'),
    ('paypal_payment_url', '', 'url', true,
     'PayPal page members pay on (e.g. https://www.paypal.com/paypalme/yourclub), shown with what to pay; '
     'empty: no PayPal link is offered');
